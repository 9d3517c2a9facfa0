# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP front end: the Voice ID JSON 1.0 API on ``POST /`` and the control API under ``/_emulator/``."""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import json
import logging
import os
import selectors
import socket
import struct
import threading
import typing as t
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from .engine import LOG
from .engine import Response
from .engine import VoiceIdEmulator
from .errors import ApiError
from .seed import SeedError
from .seed import load_seed_file

CONTROL_PREFIX = "/_emulator"
# The largest body the emulator reads. AWS documents no request size limit for Voice ID; the largest valid
# request (TagResource with 200 tags of the longest keys and values, every character escaped) is under 0.5 MiB.
# Control requests (seeds of 100,000 speakers) may be larger.
MAX_BODY_BYTES = 1024 * 1024
MAX_CONTROL_BODY_BYTES = 256 * 1024 * 1024
MAX_DRAINED_BYTES = 64 * 1024 * 1024  # an oversized body up to this size is read and dropped before answering

SeedSource = t.Union[t.Mapping[str, t.Any], str, "os.PathLike[str]", None]


def loopback_host(host: str) -> str:
    """The address to bind for ``host``; only loopback addresses are allowed."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError as exc:
        raise ValueError(f"not an IP address: {host!r} (the emulator binds only to loopback)") from exc
    if not address.is_loopback:
        raise ValueError(f"{host} is not a loopback address (the emulator binds only to loopback)")
    return str(address)


class ControlApi:
    """Routes of the control API. Returns (status, JSON document)."""

    def __init__(self, emulator: VoiceIdEmulator) -> None:
        self.emulator = emulator
        self.routes: dict[tuple[str, str], t.Callable[[dict[str, str], bytes, str], tuple[int, t.Any]]] = {
            ("GET", "health"): self.get_health,
            ("GET", "bugs"): self.get_bugs,
            ("GET", "calls"): self.get_calls,
            ("DELETE", "calls"): self.delete_calls,
            ("GET", "state"): self.get_state,
            ("POST", "seed"): self.post_seed,
            ("GET", "config"): self.get_config,
            ("POST", "config"): self.post_config,
            ("POST", "reset"): self.post_reset,
        }

    def handle(self, method: str, target: str, body: bytes, content_type: str) -> tuple[int, t.Any]:
        parts = urlsplit(target)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        route = parts.path[len(CONTROL_PREFIX) :].strip("/")
        handler = self.routes.get((method, route))
        if handler is None:
            if any(name == route for _verb, name in self.routes):
                return 405, {"error": f"{method} not allowed on {parts.path}"}
            return 404, {"error": f"no control endpoint {parts.path}"}
        try:
            return handler(query, body, content_type)
        except ValueError as exc:
            return 400, {"error": str(exc)}

    @staticmethod
    def _document(body: bytes, content_type: str) -> t.Any:
        if not body.strip():
            return {}
        text = body.decode("utf-8")
        if "yaml" in content_type:
            import yaml  # type: ignore[import-untyped, unused-ignore]  # PyYAML, only for YAML bodies

            try:
                return yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ValueError(f"the body is not valid YAML: {exc}") from exc
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ValueError(f"the body is not valid JSON: {exc}") from exc

    def get_health(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        return 200, {"status": "ok", "bugs": len(self.emulator.bug_reports())}

    def get_bugs(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        return 200, self.emulator.bug_reports()

    def get_calls(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        return 200, self.emulator.recorder.list(query.get("operation"))

    def delete_calls(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        return 200, {"cleared": self.emulator.recorder.clear()}

    def get_state(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        include_speakers = query.get("speakers", "true").lower() not in ("0", "false", "no")
        return 200, self.emulator.state(
            query.get("domain_id"), include_speakers, query.get("account_id"), query.get("region")
        )

    def post_seed(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        document = self._document(body, content_type)
        if document is not None and not isinstance(document, dict):
            raise SeedError("a seed document is a mapping")
        return 200, self.emulator.load_seed(document)

    def get_config(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        return 200, self.emulator.config_view()

    def post_config(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        document = self._document(body, content_type)
        if not isinstance(document, dict):
            raise ValueError("a configuration document is a mapping")
        return 200, self.emulator.configure(document)

    def post_reset(self, query: dict[str, str], body: bytes, content_type: str) -> tuple[int, t.Any]:
        self.emulator.reset()
        return 200, {"reset": True}


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: VoiceIdEmulator) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.emulator = emulator
        self.control = ControlApi(emulator)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.stopping = threading.Event()  # set by stop(): "late" answers waiting are dropped
        super().__init__(address, _Handler)

    def process_request(self, request: t.Any, client_address: t.Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: t.Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def serve_until_woken(self, wake: socket.socket) -> None:
        """Like serve_forever(), but returns as soon as ``wake`` becomes readable (no polling delay on stop)."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while True:
                for key, _events in selector.select():
                    if key.fileobj is wake:
                        return
                    self.handle_request()  # the listening socket is readable: accepts at once

    def close_connections(self) -> None:
        """End idle keep-alive connections so that no handler thread outlives the server."""
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "VoiceIdEmulator/1.0"
    timeout = 120
    disable_nagle_algorithm = True
    server: _HTTPServer

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: t.Any) -> None:
        if LOG.isEnabledFor(logging.DEBUG):
            LOG.debug("%s %s", self.address_string(), format % args)

    def _read_body(self, limit: int) -> bytes | None:
        """The body; None if it is over ``limit``; ValueError if its framing is broken."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b"".join(chunks)
                total += size
                if total > limit:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        if length > limit:
            # Read (and drop) what the client is sending, so that it reads the answer instead of a broken pipe.
            remaining = length if length <= MAX_DRAINED_BYTES else 0
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1024 * 1024))
                if not chunk:
                    break
                remaining -= len(chunk)
            return None
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        path = urlsplit(self.path).path
        control = path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")
        limit = MAX_CONTROL_BODY_BYTES if control else MAX_BODY_BYTES
        try:
            body = self._read_body(limit)
            problem = None if body is not None else ("RequestEntityTooLargeException", f"over {limit} bytes")
        except ValueError:
            body, problem = None, ("SerializationException", "its framing (Content-Length or chunks) is broken")
        if problem is not None:
            code, why = problem
            self.close_connection = True  # the rest of the body is never read
            if control:
                payload = json.dumps({"error": f"request body refused: {why}"}).encode("utf-8")
                self._send(Response(413, payload, {"Content-Type": "application/json"}))
            else:
                self._send(
                    self.server.emulator.refuse(self.headers, ApiError(code, f"The request body was refused: {why}."))
                )
            return
        assert body is not None
        if control:
            try:
                status, document = self.server.control.handle(
                    self.command, self.path, body, self.headers.get("Content-Type") or ""
                )
            except Exception as exc:
                LOG.exception("control request failed")
                status, document = 500, {"error": f"{type(exc).__name__}: {exc}"}
            payload = json.dumps(document).encode("utf-8")
            self._send(Response(status, payload, {"Content-Type": "application/json"}))
            return
        self._send(self.server.emulator.handle(self.command, self.path, self.headers, body))

    def _send(self, response: Response) -> None:
        if response.reset:
            # A "reset" answer (fault rules): the connection ends with a TCP reset and no answer at all.
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            return
        if response.delay_seconds > 0 and self.server.stopping.wait(response.delay_seconds):
            return  # the server stops: a "late" answer is never sent
        try:
            self._write(response)
        except OSError:
            if response.delay_seconds <= 0:
                raise
            self.close_connection = True  # the client gave up waiting for a "late" answer

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)


def _plain(value: t.Any) -> t.Any:
    if isinstance(value, t.Mapping):
        return dict(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


class EmulatorServer:
    """A Voice ID emulator serving on a loopback port, in a background thread.

    ``seed`` is a seed document (mapping), or the path of a JSON/YAML seed file, or None for an empty account.
    Use it as a context manager, or call ``start()`` and ``stop()``.
    """

    def __init__(
        self,
        seed: SeedSource = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        **config: t.Any,
    ) -> None:
        if seed is not None and not isinstance(seed, t.Mapping):
            seed = load_seed_file(os.fspath(seed))
        self.bind_host = loopback_host(host)
        self.requested_port = port
        # Configuration keys (config.py); None stands for a key's default, any mapping or sequence is taken.
        self.emulator = VoiceIdEmulator(
            seed, **{key: _plain(value) for key, value in config.items() if value is not None}
        )
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._wake_reader: socket.socket | None = None
        self._wake_writer: socket.socket | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> EmulatorServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.bind_host, self.requested_port), self.emulator)
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_until_woken, args=(self._wake_reader,), name="voiceid-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.stopping.set()
        if self._wake_writer is not None:
            self._wake_writer.send(b"x")
        if thread is not None:
            thread.join(timeout=5)
        httpd.close_connections()
        httpd.server_close()
        for end in (self._wake_reader, self._wake_writer):
            if end is not None:
                end.close()
        self._wake_reader = self._wake_writer = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the emulator is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = f"[{self.bind_host}]" if ":" in self.bind_host else self.bind_host
        return f"http://{host}:{self.port}"

    # -- in-process control (same operations as the HTTP control API) ----------------------------------------

    def configure(self, **changes: t.Any) -> dict[str, t.Any]:
        return self.emulator.configure(changes)

    def config(self) -> dict[str, t.Any]:
        return self.emulator.config_view()

    def load_seed(self, seed: SeedSource) -> dict[str, int]:
        if seed is not None and not isinstance(seed, t.Mapping):
            seed = load_seed_file(os.fspath(seed))
        return self.emulator.load_seed(seed)

    def reset(self) -> None:
        self.emulator.reset()

    def calls(self, operation: str | None = None) -> list[dict[str, t.Any]]:
        return self.emulator.recorder.list(operation)

    def clear_calls(self) -> int:
        return self.emulator.recorder.clear()

    def bugs(self) -> list[dict[str, t.Any]]:
        """Emulator bugs seen: responses or errors the model does not allow (answered as 500)."""
        return self.emulator.bug_reports()

    def state(
        self,
        domain_id: str | None = None,
        include_speakers: bool = True,
        account_id: str | None = None,
        region: str | None = None,
    ) -> dict[str, t.Any]:
        return self.emulator.state(domain_id, include_speakers, account_id, region)
