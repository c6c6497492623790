from dmesh.entry import run

run()
