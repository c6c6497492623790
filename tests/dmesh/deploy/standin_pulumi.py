"""A stand-in `pulumi` executable: records each command line and answers as the CLI 3.272 does.

The Pulumi CLI cannot be installed here. This answers the commands the Automation API sends (`version`,
`stack select|init|ls|output|export|history`, `plugin install`, `preview --save-plan`, `up --plan`,
`destroy`, `refresh`) with the CLI's output shapes: engine events over the gRPC event stream the SDK opens
for CLIs newer than 3.205, the exact JSON of `stack ls|output|history --json`, and its error texts for
a missing stack, backend login or passphrase. Its state lives in the JSON file $STANDIN_STATE; each
project's planned steps, failures and outputs come from the `script` there, which tests write.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

VERSION = os.environ.get("STANDIN_VERSION", "3.272.0")  # the CLI matching the SDK, unless a test asks for another
DATETIME = "%Y-%m-%dT%H:%M:%S.000000Z"
STATE = Path(os.environ["STANDIN_STATE"])
ENV_SEEN = ("PULUMI_BACKEND_URL", "PULUMI_EXPERIMENTAL", "PULUMI_SKIP_UPDATE_CHECK", "PULUMI_AUTOMATION_API")


def load() -> dict:
    return json.loads(STATE.read_text()) if STATE.is_file() else {}


def save(state: dict) -> None:
    tmp = STATE.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1))
    os.replace(tmp, STATE)


def record(argv: list[str]) -> None:
    entry = {"argv": argv, "cwd": os.getcwd(), "env": {k: os.environ[k] for k in ENV_SEEN if k in os.environ},
             "passphrase": "PULUMI_CONFIG_PASSPHRASE" in os.environ or "PULUMI_CONFIG_PASSPHRASE_FILE" in os.environ}
    with open(os.environ["STANDIN_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def fail(message: str, code: int = 255) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


def option(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def project() -> str:
    text = Path("Pulumi.yaml").read_text()
    return re.search(r"^name:\s*(\S+)", text, re.MULTILINE).group(1)


def require_backend() -> str:
    if os.environ.get("PULUMI_BACKEND_URL"):
        return os.environ["PULUMI_BACKEND_URL"]
    fail("PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions")


def require_passphrase(entry: dict) -> None:
    if entry.get("secretsProvider", "passphrase") != "passphrase" or entry.get("backend", "").startswith("https://"):
        return
    if "PULUMI_CONFIG_PASSPHRASE" not in os.environ and "PULUMI_CONFIG_PASSPHRASE_FILE" not in os.environ:
        fail("constructing secrets manager of type \"passphrase\": unable to find either `PULUMI_CONFIG_PASSPHRASE` or "
             "`PULUMI_CONFIG_PASSPHRASE_FILE` when loading source stack, please ensure one of these environment variables is set")


def key(stack: str) -> str:
    return f"{require_backend()}|{project()}/{stack}"


def existing(state: dict, stack: str) -> dict:
    entry = state.get("stacks", {}).get(key(stack))
    if entry is None:
        fail(f"no stack named '{stack}' found")
    return entry


def script() -> dict:
    return load().get("script", {}).get(project(), {})


def urn(stack: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{project()}::{type_}::{name}"


def planned_steps(entry: dict, stack: str) -> list[dict]:
    """The script's steps, else: create a stack and one protected bucket on first deploy, nothing afterwards."""
    steps = script().get("steps")
    if steps is None:
        if entry.get("resources"):
            steps = [{"op": "same", "type": r["type"], "name": r["urn"].rsplit("::", 1)[-1]} for r in entry["resources"]]
        else:
            steps = [{"op": "create", "type": "pulumi:pulumi:Stack", "name": f"{project()}-{stack}"},
                     {"op": "create", "type": "aws:s3/bucket:Bucket", "name": f"{project()}-data", "protect": True}]
    return steps


class Events:
    """The engine event stream: gRPC to the SDK's server (tcp://), or a JSON-lines file for older SDKs."""

    def __init__(self, target: str | None) -> None:
        self.sequence = 0
        self.target = target
        self.pending: list[str] = []

    def emit(self, **event) -> None:
        self.sequence += 1
        self.pending.append(json.dumps({"sequence": self.sequence, "timestamp": int(time.time()), **event}))

    def flush(self) -> None:
        if self.target is None:
            return
        if self.target.startswith("tcp://"):
            import grpc
            from pulumi.runtime.proto import events_pb2, events_pb2_grpc

            with grpc.insecure_channel(self.target[len("tcp://"):]) as channel:
                events_pb2_grpc.EventsStub(channel).StreamEvents(iter([events_pb2.EventRequest(event=e) for e in self.pending]))
        else:
            with open(self.target, "a", encoding="utf-8") as log:
                log.writelines(e + "\n" for e in self.pending)


def engine_run(kind: str, args: list[str]) -> None:
    stack = option(args, "--stack")
    state = load()
    entry = existing(state, stack)
    require_passphrase(entry)
    events = Events(option(args, "--event-log"))
    plan_out, plan_in = option(args, "--save-plan"), option(args, "--plan")
    if (plan_out or plan_in) and os.environ.get("PULUMI_EXPERIMENTAL") != "true":
        fail("unknown flag: --save-plan" if plan_out else "unknown flag: --plan", 1)
    scripted = script()
    steps = planned_steps(entry, stack)
    if kind == "up":
        if plan_in is None or not Path(plan_in).is_file():
            fail(f"open {plan_in}: no such file or directory")
        planned = json.loads(Path(plan_in).read_text())
        if planned.get("stack") != stack or planned.get("project") != project():
            fail("the plan was made for another stack")
    print(f"{'Previewing update' if kind == 'preview' else 'Updating'} ({stack})")
    events.emit(preludeEvent={"config": {}})
    counts: dict[str, int] = {}
    for step in steps:
        events.emit(resourcePreEvent={"metadata": {"op": step["op"], "urn": urn(stack, step["type"], step["name"]), "type": step["type"],
                                                   "provider": ""}, "planning": kind == "preview"})
        counts[step["op"]] = counts.get(step["op"], 0) + 1
        if step["op"] != "same":
            print(f"    {'+' if step['op'] == 'create' else '~'}  {step['type']} {step['name']} {step['op']}")
    for violation in scripted.get("violations", []) if kind == "preview" else []:
        events.emit(policyEvent={"message": violation, "color": "never", "policyName": "s3-encrypted", "policyPackName": "dmesh-governance",
                                 "policyPackVersion": "1", "policyPackVersionTag": "1", "enforcementLevel": "mandatory"})
    events.emit(summaryEvent={"maybeCorrupt": False, "durationSeconds": 1, "resourceChanges": counts, "PolicyPacks": {}})
    events.emit(cancelEvent={})
    events.flush()
    if kind in scripted.get("fail", []) or (kind == "preview" and scripted.get("violations")):
        print(f"error: {kind} failed: {scripted.get('message', 'the provider refused a change')}", file=sys.stderr)
        sys.exit(255)
    if kind == "preview":
        if plan_out:
            Path(plan_out).write_text(json.dumps({"project": project(), "stack": stack, "steps": steps}))
        return
    live = {r["urn"]: r for r in entry.get("resources", [])}
    for step in steps:
        u = urn(stack, step["type"], step["name"])
        if step["op"] == "delete":
            live.pop(u, None)
        else:
            live[u] = {"urn": u, "type": step["type"], "protect": bool(step.get("protect"))}
    entry["resources"] = list(live.values())
    entry["outputs"] = scripted.get("outputs", entry.get("outputs", {}))
    entry["history"] = [{"kind": "update", "startTime": time.strftime(DATETIME, time.gmtime()), "message": "", "environment": {},
                         "config": {}, "result": "succeeded", "endTime": time.strftime(DATETIME, time.gmtime()), "version": len(entry.get("history", [])) + 1,
                         "resourceChanges": counts}] + entry.get("history", [])
    state = load()
    state["stacks"][key(stack)] = entry
    save(state)
    print(f"Resources:\n    {sum(v for k, v in counts.items() if k != 'same')} changed")


def destroy(args: list[str]) -> None:
    stack = option(args, "--stack")
    state = load()
    entry = existing(state, stack)
    require_passphrase(entry)
    protected = [r for r in entry.get("resources", []) if r.get("protect")]
    if protected and "--exclude-protected" not in args:
        fail(f"unable to delete resource \"{protected[0]['urn']}\"\nas it is currently marked for protection. To unprotect the resource, "
             "either remove the `protect` flag from the resource in your Pulumi program and run `pulumi up`, or use the command:\n"
             f"`pulumi state unprotect '{protected[0]['urn']}'`")
    entry["resources"] = protected if "--exclude-protected" in args else []
    entry["outputs"] = {}
    entry["history"] = [{"kind": "destroy", "startTime": time.strftime(DATETIME, time.gmtime()), "message": "", "environment": {},
                         "config": {}, "result": "succeeded", "endTime": time.strftime(DATETIME, time.gmtime()),
                         "resourceChanges": {"delete": 1}}] + entry.get("history", [])
    state["stacks"][key(stack)] = entry
    save(state)
    print(f"Destroying ({stack})\nThe resources in the stack have been deleted")


def main(argv: list[str]) -> None:
    record(argv)
    args = [a for a in argv if a != "--non-interactive"]
    if args[:1] == ["version"]:
        print(f"v{VERSION}")
        return
    if args[:2] == ["plugin", "install"]:
        if load().get("offline"):
            fail(f"[resource plugin {args[3]}-{args[4].lstrip('v')}] downloading from https://get.pulumi.com: "
                 "dial tcp: lookup get.pulumi.com: no such host")
        return
    if args[:2] == ["stack", "select"]:
        existing(load(), option(args, "--stack"))
        return
    if args[:2] == ["stack", "init"]:
        state = load()
        name = args[2]
        backend = require_backend()
        entry = {"backend": backend, "secretsProvider": option(args, "--secrets-provider") or "passphrase", "resources": [], "outputs": {}}
        if key(name) in state.get("stacks", {}):
            fail(f"stack '{name}' already exists")
        require_passphrase(entry)
        state.setdefault("stacks", {})[key(name)] = entry
        save(state)
        return
    if args[:2] == ["stack", "ls"]:
        backend, prefix = require_backend(), f"{project()}/"
        rows = []
        for name, entry in load().get("stacks", {}).items():
            where, _, stack = name.partition("|")
            if where == backend and stack.startswith(prefix):
                row = {"name": stack[len(prefix):], "current": False, "updateInProgress": False,
                       "resourceCount": len(entry.get("resources", []))}
                if entry.get("history"):
                    row["lastUpdate"] = entry["history"][0]["endTime"]
                rows.append(row)
        print(json.dumps(rows))
        return
    if args[:2] == ["stack", "output"]:
        print(json.dumps(existing(load(), option(args, "--stack")).get("outputs", {})))
        return
    if args[:2] == ["stack", "history"]:
        print(json.dumps(existing(load(), option(args, "--stack")).get("history", [])[:1]))
        return
    if args[:2] == ["stack", "export"]:
        entry = existing(load(), option(args, "--stack"))
        print(json.dumps({"version": 3, "deployment": {"manifest": {}, "resources": entry.get("resources", [])}}))
        return
    if args[:1] in (["preview"], ["up"]):
        engine_run(args[0], args)
        return
    if args[:1] == ["refresh"]:
        entry = existing(load(), option(args, "--stack"))
        require_passphrase(entry)
        events = Events(option(args, "--event-log"))
        events.emit(summaryEvent={"resourceChanges": {"same": len(entry.get("resources", []))}})
        events.emit(cancelEvent={})
        events.flush()
        print(f"Refreshing ({option(args, '--stack')})")
        state = load()
        entry["history"] = [{"kind": "refresh", "startTime": time.strftime(DATETIME, time.gmtime()), "message": "", "environment": {},
                             "config": {}, "result": "succeeded", "endTime": time.strftime(DATETIME, time.gmtime()),
                             "resourceChanges": {"same": len(entry.get("resources", []))}}] + entry.get("history", [])
        state["stacks"][key(option(args, "--stack"))] = entry
        save(state)
        return
    if args[:1] == ["destroy"]:
        destroy(args)
        return
    fail(f"the stand-in does not know `pulumi {' '.join(args)}`", 2)


if __name__ == "__main__":
    import fcntl

    with open(STATE.with_suffix(".lock"), "w") as lock:  # parallel stacks: one stand-in process at a time, as one backend would
        fcntl.flock(lock, fcntl.LOCK_EX)
        main(sys.argv[1:])
