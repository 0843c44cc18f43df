"""One implementation on one runtime, timed on request (run.py starts one worker per column
and sends them the same requests in turn, so that their measurements interleave).

    python worker.py --impl piconumpy|purepy

Reads one JSON request a line on stdin, answers one JSON line on stdout:

* `{"cmd": "hello"}`: the runtime and the implementation (version, HPy mode, context name);
* `{"cmd": "workload", "name": N}`: runs the workload once: `{"seconds": s, "checksum": c}`;

Times are CPU time of this process (`time.process_time`), not wall-clock time: on a machine
shared with other jobs, time spent waiting for a core is not the implementation's.
* `{"cmd": "op", "name": OP, "count": K}`: K iterations of an operation of ops.py, minus the
  same number of empty iterations: `{"ns": nanoseconds per operation}`.
"""

import argparse
import json
import platform
import sys
import time

import ops
import workloads


def load(impl):
    if impl == "purepy":
        import purepy

        return purepy
    import piconumpy

    return piconumpy


def op_timer(module, name, count):
    """A function that runs `count` iterations of the operation and returns the seconds."""
    ns = ops.namespace(module)
    params = ", ".join(ns)
    src = f"def run({params}):\n    for _ in range({count}):\n        {ops.OPS[name]}\n"
    exec(compile(src, "<op>", "exec"), ns)
    run = ns["run"]
    args = {k: v for k, v in ns.items() if k != "run" and not k.startswith("__")}

    def timed():
        t0 = time.process_time()
        run(**args)
        return time.process_time() - t0

    return timed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", choices=["piconumpy", "purepy"], required=True)
    args = ap.parse_args()
    module = load(args.impl)
    timers = {}
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        if cmd == "hello":
            info = {
                "python": sys.version.split()[0],
                "implementation": sys.implementation.name,
                "platform": platform.platform(),
                "impl": args.impl,
            }
            if sys.implementation.name == "pypy":
                info["pypy"] = ".".join(map(str, sys.pypy_version_info[:3]))
            if args.impl == "piconumpy":
                info["abi"] = module.ABI
                info["context"] = module.CONTEXT_NAME
            try:
                import hpy.universal

                info["hpy"] = hpy.universal.get_version()[0]
            except Exception:  # no HPy runtime here (a CPython-ABI venv on CPython)
                pass
            reply = info
        elif cmd == "workload":
            f = workloads.WORKLOADS[req["name"]]
            t0 = time.process_time()
            checksum = f(module)
            reply = {"seconds": time.process_time() - t0, "checksum": checksum}
        elif cmd == "op":
            key = (req["name"], req["count"])
            if key not in timers:
                timers[key] = (op_timer(module, req["name"], req["count"]), op_timer(module, "loop", req["count"]))
            timed, empty = timers[key]
            reply = {"ns": (timed() - empty()) / req["count"] * 1e9}
        else:
            reply = {"error": f"unknown command {cmd!r}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
