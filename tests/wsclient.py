"""A light Streamlit client for load tests: one websocket per session, speaking the browser's protocol.

The browser and the server exchange protobuf messages over a websocket at /_stcore/stream: the
browser sends a BackMsg (`rerun_script` holds the page, the URL's query string and the widgets'
values), the server answers with ForwardMsgs (`new_session` when a script run starts, one `delta`
per element drawn, `script_finished` when it ends). Uploads go as the browser sends them: the
session asks for upload URLs (`file_urls_request`), PUTs the file there with the XSRF token from
the server's cookie, and hands the file's id to the file_uploader widget. Every session keeps its
widgets' values and sends them with each run, as the browser does.
"""

from __future__ import annotations

import asyncio
import http.cookies
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

import requests
import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
XSRF_COOKIE = "_streamlit_xsrf"
RUN_TIMEOUT_S = 90.0


@dataclass
class Run:
    """One page run the session asked for, as it saw it: every element on the page when the script
    finished, by its place, and every element drawn on the way (also by runs the app restarted)."""
    page: str
    query: str
    requested: float  # when the session asked for the run (time.monotonic())
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    drawn: list[Element] = field(default_factory=list)  # every element sent, also those replaced since (a spinner)
    runs: int = 0  # script runs it took: more than one when the app restarted it (st.rerun)
    status: str = ""  # the script_finished status of the run
    ended: float = 0.0  # when the session heard the run had finished

    def ordered(self) -> list[Element]:
        return [self.elements[path] for path in sorted(self.elements)]

    def of_type(self, kind: str) -> list[Element]:
        return [e for e in self.ordered() if e.WhichOneof("type") == kind]

    def metrics(self) -> tuple[tuple[str, str, str], ...]:
        """The KPI cards as (label, value, change), in page order."""
        return tuple((m.metric.label, m.metric.body, m.metric.delta) for m in self.of_type("metric"))

    def texts(self, kind: str) -> list[str]:
        """The text of every alert of a format (ERROR, WARNING, INFO, SUCCESS) the run showed."""
        wanted = Alert.Format.Value(kind)
        return [a.alert.body for a in self.of_type("alert") if a.alert.format == wanted]

    def shown_texts(self) -> list[str]:
        """Every alert's and spinner's text the run put on the page at some moment."""
        return [e.alert.body if e.WhichOneof("type") == "alert" else e.spinner.text
                for e in self.drawn if e.WhichOneof("type") in ("alert", "spinner")]

    def widget(self, kind: str, key: str, *, suffix: bool = False) -> Element:
        """The widget of a kind whose user key is `key` (Streamlit ends a keyed widget's id with
        "-" and its key), or with suffix=True whose key ends with `key`."""
        ending = key if suffix else f"-{key}"
        found = [e for e in self.of_type(kind) if getattr(e, kind).id.endswith(ending)]
        if len(found) != 1:
            raise LookupError(f"{len(found)} {kind} widgets keyed {key!r} on {self.page}; "
                              f"{kind}s: {[getattr(e, kind).id for e in self.of_type(kind)]}")
        return found[0]


@dataclass
class Problem:
    """Something a user must never see: an exception element, an error alert, a failed run."""
    page: str
    query: str
    what: str

    def __str__(self) -> str:
        return f"{self.page}?{self.query}: {self.what}"


class Session:
    """One browser tab's worth of app: a websocket session that runs pages as the browser asks for them."""

    def __init__(self, base_url: str, name: str = ""):
        self.base_url = base_url
        self.name = name
        self.session_id = ""
        self.widgets: dict[str, WidgetState] = {}
        self.query = ""
        self.problems: list[Problem] = []
        self.runs: list[Run] = []  # every run that finished, successfully or not
        self._ws = None
        self._xsrf = ""

    async def __aenter__(self) -> "Session":
        self._xsrf = await asyncio.to_thread(self._xsrf_cookie)
        ws_url = self.base_url.replace("http://", "ws://", 1) + "/_stcore/stream"
        self._ws = await websockets.connect(
            ws_url, subprotocols=["streamlit", self._xsrf], max_size=None, open_timeout=60,
            additional_headers={"Cookie": f"{XSRF_COOKIE}={self._xsrf}"}, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    def _xsrf_cookie(self) -> str:
        """The XSRF token the server sets on any of its responses (the browser reads it the same way)."""
        with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=30) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = http.cookies.SimpleCookie(header)
                if XSRF_COOKIE in cookie:
                    return cookie[XSRF_COOKIE].value
        raise RuntimeError("the server set no XSRF cookie")

    async def _send(self, msg: BackMsg) -> None:
        await self._ws.send(msg.SerializeToString())

    async def _receive(self, deadline: float) -> ForwardMsg:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        return ForwardMsg.FromString(await asyncio.wait_for(self._ws.recv(), timeout=remaining))

    def set(self, key_or_id: str, **value) -> None:
        """Give a widget a value for the next run, e.g. set(id, bool_value=False), as a user's click does."""
        state = WidgetState(id=key_or_id)
        for name, v in value.items():
            if name == "file_uploader_state_value":
                state.file_uploader_state_value.CopyFrom(v)
            else:
                setattr(state, name, v)
        self.widgets[key_or_id] = state

    async def run(self, page: str, query: str | None = None, *, path: str | None = None,
                  timeout_s: float = RUN_TIMEOUT_S) -> Run:
        """Ask for a run of `page` as the browser does (its URL path is `path`, "" for the app's
        default page, or else the page's name), with the URL's `query` (None: the query as the app
        last left it), and wait until the script has
        finished; a run the app itself restarts (st.rerun) is followed to the end of the last one.
        Every exception element, error alert or failed run on the way is noted in self.problems."""
        if query is not None:
            self.query = query
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_name = page if path is None else path
        state.widget_states.widgets.extend(self.widgets.values())
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.locale = "zh-CN"
        state.context_info.url = f"{self.base_url}/{state.page_name}?{self.query}"
        # a trigger (a button's click) is sent once, as the browser does
        self.widgets = {k: w for k, w in self.widgets.items() if w.WhichOneof("value") != "trigger_value"}
        start = time.monotonic()
        deadline = start + timeout_s
        await self._send(msg)
        run = Run(page, self.query, start)
        while True:
            try:
                fwd = await self._receive(deadline)
            except TimeoutError:
                self.problems.append(Problem(page, self.query, f"no end of the run after {timeout_s:.0f} s"))
                raise
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                if fwd.new_session.HasField("initialize"):
                    self.session_id = fwd.new_session.initialize.session_id
                # a run the app restarted (st.rerun) draws its page afresh: what the first drew stays in `drawn`
                run.elements = {}
                run.runs += 1
                run.query = self.query
            elif kind == "delta":
                delta = fwd.delta
                if delta.WhichOneof("type") == "new_element":
                    element = delta.new_element
                    run.elements[tuple(fwd.metadata.delta_path)] = element
                    run.drawn.append(element)
                    self._check(page, element)
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string  # the app rewrote the URL's query
            elif kind == "page_not_found":
                self.problems.append(Problem(page, self.query, "page not found"))
            elif kind == "session_event" and fwd.session_event.HasField("script_compilation_exception"):
                self.problems.append(Problem(page, self.query, "script compilation exception: "
                                             f"{fwd.session_event.script_compilation_exception.message}"))
            elif kind == "script_finished":
                status = FINISHED.Name(fwd.script_finished)
                run.status = status
                run.ended = time.monotonic()
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # the app asked for another run: it follows
                if status != "FINISHED_SUCCESSFULLY":
                    self.problems.append(Problem(page, self.query, f"run ended {status}"))
                self.runs.append(run)
                return run

    def _check(self, page: str, element: Element) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.problems.append(Problem(page, self.query, f"exception {element.exception.type}: "
                                                           f"{element.exception.message}"))
        elif kind == "alert" and element.alert.format == Alert.Format.Value("ERROR"):
            self.problems.append(Problem(page, self.query, f"error message: {element.alert.body}"))

    async def upload(self, uploader: Element, name: str, data: bytes) -> None:
        """Upload a file into a file_uploader as the browser does; the widget holds it from the next run."""
        request_id = uuid.uuid4().hex
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.session_id = self.session_id
        msg.file_urls_request.file_names.append(name)
        await self._send(msg)
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            fwd = await self._receive(deadline)
            if fwd.WhichOneof("type") == "file_urls_response" and fwd.file_urls_response.response_id == request_id:
                break
        response = fwd.file_urls_response
        if response.error_msg:
            raise RuntimeError(f"upload URLs refused: {response.error_msg}")
        urls = response.file_urls[0]
        put = await asyncio.to_thread(
            requests.put, self.base_url + urls.upload_url, files={"file": (name, data)}, timeout=60,
            headers={"X-Xsrftoken": self._xsrf}, cookies={XSRF_COOKIE: self._xsrf})
        put.raise_for_status()
        info = UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id)
        info.file_urls.CopyFrom(urls)
        state = WidgetState(id=uploader.file_uploader.id)
        state.file_uploader_state_value.uploaded_file_info.append(info)
        self.widgets[state.id] = state

    def click(self, element: Element) -> None:
        """A button's click, sent with the next run."""
        self.widgets[element.button.id] = WidgetState(id=element.button.id, trigger_value=True)
