#!/usr/bin/env -S .venv/bin/python
"""Find the local PostgreSQL server and create or drop a fresh database for one CI run.

    postgres.py ping          exit 0 if a server answers on 127.0.0.1:5432
    postgres.py create        create a new database and print its URL
    postgres.py drop URL      drop that database
"""

import os
import sys
import uuid

import psycopg

HOST, PORT = "127.0.0.1", 5432


def server_url() -> str:
    """The first role that can sign in: $PGUSER, postgres, then the current user."""
    password = os.environ.get("PGPASSWORD", "")
    errors = []
    for user in dict.fromkeys(filter(None, [os.environ.get("PGUSER"), "postgres", os.environ.get("USER", "root")])):
        auth = f"{user}:{password}" if password else user
        url = f"postgresql://{auth}@{HOST}:{PORT}"
        try:
            with psycopg.connect(f"{url}/postgres", connect_timeout=3):
                return url
        except psycopg.OperationalError as error:
            errors.append(f"{user}: {error}".strip())
    raise SystemExit("cannot connect to PostgreSQL on 127.0.0.1:5432\n" + "\n".join(errors))


def main(command: str, *args: str) -> None:
    if command == "ping":
        server_url()
    elif command == "create":
        url = server_url()
        name = f"sv_grants_ci_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        print(f"{url}/{name}")
    elif command == "drop":
        url, name = args[0].rsplit("/", 1)
        with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(*sys.argv[1:])
