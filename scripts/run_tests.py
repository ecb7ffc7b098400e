"""`make test`: the whole suite on SQLite, then again on PostgreSQL when a server answers.

PostgreSQL comes from BERDAYA_TEST_POSTGRES (a server URL), else postgres@127.0.0.1:5432 when it answers.
pytest-django creates and drops a throwaway test_* database on that server. Prints which databases it ran on.
"""

import os
import subprocess
import sys

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/berdaya"


def postgres_url() -> str | None:
    url = os.environ.get("BERDAYA_TEST_POSTGRES") or DEFAULT_PG
    try:
        import psycopg

        probe = url.rsplit("/", 1)[0] + "/postgres"
        psycopg.connect(probe, connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "no server here"
        if os.environ.get("BERDAYA_TEST_POSTGRES"):
            print(f"BERDAYA_TEST_POSTGRES={url} does not answer: {exc}", file=sys.stderr)
            sys.exit(2)
        print(f"PostgreSQL: no server answers at {url.rsplit('/', 1)[0]} ({exc.__class__.__name__}); skipped.")
        return None
    return url


def run(label: str, env: dict, args: list[str]) -> int:
    print(f"\n=== Test suite on {label} ===", flush=True)
    cmd = [sys.executable, "-m", "pytest", "-n", os.environ.get("PYTEST_WORKERS", "auto"), *args]
    return subprocess.call(cmd, env=env)  # noqa: S603 - our own interpreter and arguments


def main() -> int:
    args = sys.argv[1:]
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.setdefault("BERDAYA_ALLOW_DEV_SECRET", "1")
    results = {"SQLite": run("SQLite", base, args)}
    url = postgres_url()
    if url:
        results["PostgreSQL"] = run("PostgreSQL", {**base, "DATABASE_URL": url}, args)
    print("\n=== Databases tested: " + ", ".join(f"{k} ({'passed' if v == 0 else 'FAILED'})"
                                              for k, v in results.items()) + " ===")
    return 0 if all(v == 0 for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
