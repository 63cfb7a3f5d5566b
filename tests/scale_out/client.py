"""A person's browser against the real server over HTTP: its own cookies, forms posted as a
browser posts them, and every status it saw kept for the checks afterwards.

It answers like Flask's test client (``get``, ``post``, ``status_code``, ``headers``,
``get_data``), so the page helpers in ``tests/helpers.py`` and the applicant journey in
``tests/applications/journey.py`` drive the real server unchanged.
"""

from __future__ import annotations

import http.client
import io
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

# What a request whose worker was killed under it fails with: a reset, a closed connection or
# an answer cut short.
CUT_OFF = (ConnectionError, http.client.HTTPException, TimeoutError)


@dataclass
class Response:
    status_code: int
    headers: http.client.HTTPMessage
    body: bytes

    def get_data(self, as_text: bool = False) -> Any:
        return self.body.decode() if as_text else self.body

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Seen:
    """Every answer and every cut-off request, across all of a test's browsers and threads."""

    statuses: list[tuple[str, str, int]] = field(default_factory=list)
    cut_off: list[tuple[str, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def server_errors(self) -> list[tuple[str, str, int]]:
        return [seen for seen in self.statuses if seen[2] >= 500]


class Browser:
    """One person's session. Threads may share it, as two tabs share a browser's cookies.

    Production cookies are ``Secure`` and this server speaks plain HTTP on the loopback, where
    Python's cookie jar would withhold them; the cookies are therefore kept here by hand."""

    def __init__(self, port: int, seen: Seen, person: Any = None) -> None:
        self.port = port
        self.seen = seen
        self.person = person
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any] | None = None) -> Response:
        """Form fields as the test client takes them: a list is a repeated field, a FileStorage a file."""
        data = data or {}
        if any(isinstance(value, FileStorage) for value in data.values()):
            stream, _length, boundary = stream_encode_multipart(MultiDict(data), use_tempfile=False)
            body = stream.read()
            content_type = f'multipart/form-data; boundary="{boundary}"'
        else:
            body = urlencode(data, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request("POST", path, body, {"Content-Type": content_type})

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        headers = dict(headers or {})
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        except CUT_OFF as error:
            with self.seen.lock:
                self.seen.cut_off.append((method, path, type(error).__name__))
            raise
        finally:
            connection.close()
        with self.seen.lock:
            self.seen.statuses.append((method, path, response.status_code))
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return response

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        with self.lock:
            for header in set_cookies:
                pair, *attributes = [part.strip() for part in header.split(";")]
                name, _, value = pair.partition("=")
                if "max-age=0" in (attribute.lower() for attribute in attributes):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value


def upload_file(name: str, data: bytes) -> FileStorage:
    return FileStorage(io.BytesIO(data), name)
