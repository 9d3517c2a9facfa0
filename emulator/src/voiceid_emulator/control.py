# Copyright: Contributors to the speakerops.voiceid project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small client for the emulator's control API (``/_emulator/...``), using only urllib."""

from __future__ import annotations

import json
import typing as t
import urllib.error
import urllib.parse
import urllib.request


class ControlError(RuntimeError):
    """The control API answered an error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


class EmulatorControl:
    """Drive a running emulator: ``EmulatorControl("http://127.0.0.1:43123")``."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _request(
        self, method: str, path: str, document: t.Any = None, query: t.Mapping[str, str] | None = None
    ) -> t.Any:
        address = f"{self.url}/_emulator/{path}"
        if query:
            address += "?" + urllib.parse.urlencode(query)
        data = None if document is None else json.dumps(document).encode("utf-8")
        request = urllib.request.Request(
            address, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raw = exc.read().decode("utf-8", "replace")
            try:
                message = str(json.loads(raw).get("error", raw))
            except (ValueError, AttributeError):
                message = raw
            raise ControlError(exc.code, message) from exc

    def health(self) -> dict[str, t.Any]:
        return t.cast(dict[str, t.Any], self._request("GET", "health"))

    def calls(self, operation: str | None = None) -> list[dict[str, t.Any]]:
        """Recorded API calls, oldest first (optionally only one operation's)."""
        query = {"operation": operation} if operation else None
        return t.cast(list[dict[str, t.Any]], self._request("GET", "calls", query=query))

    def bugs(self) -> list[dict[str, t.Any]]:
        """Emulator bugs seen: responses or errors the model does not allow (answered as 500)."""
        return t.cast(list[dict[str, t.Any]], self._request("GET", "bugs"))

    def clear_calls(self) -> int:
        return int(self._request("DELETE", "calls")["cleared"])

    def state(
        self,
        domain_id: str | None = None,
        include_speakers: bool = True,
        account_id: str | None = None,
        region: str | None = None,
    ) -> dict[str, t.Any]:
        query: dict[str, str] = {}
        if domain_id is not None:
            query["domain_id"] = domain_id
        if account_id is not None:
            query["account_id"] = account_id
        if region is not None:
            query["region"] = region
        if not include_speakers:
            query["speakers"] = "false"
        return t.cast(dict[str, t.Any], self._request("GET", "state", query=query))

    def seed(self, document: t.Mapping[str, t.Any]) -> dict[str, int]:
        """Replace all state with a seed document; returns the domain and speaker counts."""
        return t.cast(dict[str, int], self._request("POST", "seed", dict(document)))

    def config(self) -> dict[str, t.Any]:
        return t.cast(dict[str, t.Any], self._request("GET", "config"))

    def configure(self, **changes: t.Any) -> dict[str, t.Any]:
        """Change configuration keys at run time (see README.md); returns the whole configuration."""
        return t.cast(dict[str, t.Any], self._request("POST", "config", changes))

    def reset(self) -> None:
        self._request("POST", "reset", {})
