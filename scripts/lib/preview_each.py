"""Several `python -m preview ARGS` runs in one interpreter, for scripts/pr-report.sh (docs/ci.md).

    cd CHECKOUT && python - OUT ERR RC ARGS... [--next OUT ERR RC ARGS...] < scripts/lib/preview_each.py

Each job runs CHECKOUT's own `python -m preview ARGS` (any version of it: the module is run as `-m` runs it),
with stdout to OUT and stderr to ERR (the same path: one file), and writes its exit code to RC, as a separate
process would. One interpreter imports Pulumi, the provider and the pack once for all the jobs. Read from stdin
(`python -`), so the checkout's directory, not this file's, is first on sys.path: the base branch's preview
runs from the base checkout.
"""

import contextlib
import runpy
import sys
import traceback


def jobs(argv: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for arg in argv:
        if arg == "--next":
            out.append([])
        else:
            out[-1].append(arg)
    return [job for job in out if job]


def run(args: list[str]) -> int:
    """`python -m preview ARGS`: its exit code, as the interpreter would report it."""
    sys.argv = ["preview", *args]
    try:
        runpy.run_module("preview", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    return 0


def main(argv: list[str]) -> int:
    for out, err, rc_file, *args in jobs(argv):
        with contextlib.ExitStack() as stack:
            stdout = stack.enter_context(open(out, "w", encoding="utf-8"))
            stderr = stdout if err == out else stack.enter_context(open(err, "w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(stdout))
            stack.enter_context(contextlib.redirect_stderr(stderr))
            code = run(args)
        with open(rc_file, "w", encoding="utf-8") as fh:
            fh.write(f"{code}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
