from dmesh.cli import app

app(prog_name="dmesh")
