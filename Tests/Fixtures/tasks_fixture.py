"""An MCP server for lmg's tests that serves the Tasks extension (`io.modelcontextprotocol/tasks`,
SEP-2663, protocol revision 2026-07-28), built on the official Python SDK (mcp 2.x, MCPServer + Extension).

Usage:
  tasks_fixture.py [--transport stdio|streamable-http] [--port 0] [--log FILE] [--poll-ms N]

Transports:
  stdio            (default) stdout carries the protocol only; logs go to stderr; EOF on stdin ends it.
  streamable-http  listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>`;
                   endpoint path /mcp. Exits on SIGTERM (stdin is ignored there).

The extension (advertised as capabilities.extensions["io.modelcontextprotocol/tasks"] = {}):
  tools/call of a task tool, when the request's _meta clientCapabilities.extensions declares the
  extension, answers a CreateTaskResult at once:
      {"resultType":"task","taskId":..,"status":"working","createdAt":..,"lastUpdatedAt":..,
       "ttlMs":60000,"pollIntervalMs":N}
  and the work goes on in the background. Without the declaration: error -32021 "Missing required
  client capability", data {"requiredCapabilities":{"extensions":{"io.modelcontextprotocol/tasks":{}}}}.
  tasks/get {taskId}        {"resultType":"complete","taskId","status","statusMessage"?,"createdAt",
                            "lastUpdatedAt","ttlMs","pollIntervalMs"} plus, by status:
                            input_required -> inputRequests {KEY: {"method":"elicitation/create","params":{..}}}
                            completed      -> result (a CallToolResult)
                            failed         -> error {"code":-32603,"message":..}
                            unknown taskId -> error -32602 "Failed to retrieve task: Task not found"
  tasks/update {taskId, inputResponses: {KEY: ElicitResult}}   -> {"resultType":"complete"}; unknown or
                            already answered keys are ignored; the task goes back to working.
  tasks/cancel {taskId}     -> {"resultType":"complete"}; the work is stopped, status "cancelled"
                            (a task already in a terminal status keeps it).
  No tasks/list, no progress notifications.

Tools (all in tools/list):
  echo(text)                               a plain tool (never a task): returns text.
  count_steps(steps=3, delay_ms=100)       task: statusMessage "step i of N" for i in 1..N, delay_ms each and
                                           until a tasks/get has seen it (at most 10 s);
                                           completes with "counted N steps".
  ask_name()                               task: after ~50 ms input_required with one form elicitation
                                           ("Your name?", required string `name`); completes with
                                           "elicited: <name>" (accept) or "elicited: <action>".
  fail_task()                              task: fails, statusMessage and error message "the job broke".
  tool_error_task()                        task: completes with a CallToolResult isError true, "bad input".
  wait_forever()                           task: runs until cancelled.
  immediate_task()                         task: completes within ~1 ms with "done at once".

--poll-ms N (default 50) is the pollIntervalMs every task reports.
--log FILE appends one line per task event, flushed at once:
  create <tool> <taskId>      a task was created
  get <taskId>                tasks/get
  update <taskId> <json>      tasks/update (its inputResponses, compact JSON, sorted keys)
  cancel <taskId>             tasks/cancel
  cancelled <taskId>          the task's work was actually stopped by a cancel
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import anyio
from asgi_server import serve_asgi
from event_log import EventLog
import mcp_types as types
from mcp.server.extension import Extension, MethodBinding
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from pydantic import Field

log = logging.getLogger("tasks_fixture")

TASKS = "io.modelcontextprotocol/tasks"
CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities"
MISSING_CAPABILITY = -32021
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
TTL_MS = 60000
TERMINAL = {"completed", "failed", "cancelled"}


# --------------------------------------------------------------------------------------------
# Event log


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def text_result(text: str, is_error: bool = False) -> dict[str, Any]:
    return {"content": [{"type": "text", "text": text}], "isError": is_error}


# --------------------------------------------------------------------------------------------
# Tasks


class TaskFailed(Exception):
    """Raised by a task's work: the task fails with this message (error -32603)."""


@dataclass
class Task:
    id: str
    tool: str
    status: str = "working"
    status_message: str | None = None
    created_at: str = field(default_factory=now)
    last_updated_at: str = ""
    input_requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    waiters: dict[str, asyncio.Future[Any]] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    runner: asyncio.Task[None] | None = None
    cancel_requested: bool = False
    next_key: int = 0
    # tasks/get answered so far: count_steps moves on only once a poll has seen each step.
    polls: int = 0

    def __post_init__(self) -> None:
        self.last_updated_at = self.created_at

    def set(self, status: str, message: str | None = None) -> None:
        self.status = status
        self.status_message = message
        self.last_updated_at = now()

    async def ask(self, method: str, params: dict[str, Any]) -> Any:
        """Goes input_required with one request (a key unique over the task's life) and waits for its answer."""
        self.next_key += 1
        key = f"input-{self.next_key}"
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.input_requests[key] = {"method": method, "params": params}
        self.waiters[key] = waiter
        self.set("input_required", "waiting for input")
        try:
            return await waiter
        finally:
            self.input_requests.pop(key, None)
            self.waiters.pop(key, None)

    def wire(self, poll_ms: int) -> dict[str, Any]:
        body: dict[str, Any] = {"taskId": self.id, "status": self.status}
        if self.status_message is not None:
            body["statusMessage"] = self.status_message
        body.update(createdAt=self.created_at, lastUpdatedAt=self.last_updated_at, ttlMs=TTL_MS, pollIntervalMs=poll_ms)
        if self.status == "input_required" and self.input_requests:
            body["inputRequests"] = dict(self.input_requests)
        elif self.status == "completed" and self.result is not None:
            body["result"] = self.result
        elif self.status == "failed" and self.error is not None:
            body["error"] = self.error
        return body


# The work of each task tool: `work(task, arguments)` returns a CallToolResult dict, or raises TaskFailed.


async def count_steps(task: Task, arguments: dict[str, Any]) -> dict[str, Any]:
    steps = int(arguments.get("steps", 3))
    delay_ms = int(arguments.get("delay_ms", 100))
    for i in range(1, steps + 1):
        task.set("working", f"step {i} of {steps}")
        polled = task.polls
        await asyncio.sleep(delay_ms / 1000)
        # Each step is seen by a poll however slow the client is today (up to 10 s), so a test
        # of progress does not depend on timing.
        for _ in range(1000):
            if task.polls > polled:
                break
            await asyncio.sleep(0.01)
    return text_result(f"counted {steps} steps")


async def ask_name(task: Task, arguments: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(0.05)
    answer = await task.ask("elicitation/create", {
        "mode": "form",
        "message": "Your name?",
        "requestedSchema": {
            "type": "object",
            "properties": {"name": {"type": "string"}},
            "required": ["name"],
        },
    })
    action = answer.get("action") if isinstance(answer, dict) else None
    content = answer.get("content") if isinstance(answer, dict) else None
    if action == "accept" and isinstance(content, dict) and isinstance(content.get("name"), str):
        return text_result(f"elicited: {content['name']}")
    return text_result(f"elicited: {action}")


async def fail_task(task: Task, arguments: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(0.01)
    raise TaskFailed("the job broke")


async def tool_error_task(task: Task, arguments: dict[str, Any]) -> dict[str, Any]:
    await asyncio.sleep(0.01)
    return text_result("bad input", is_error=True)


async def wait_forever(task: Task, arguments: dict[str, Any]) -> dict[str, Any]:
    task.set("working", "waiting forever")
    while True:
        await asyncio.sleep(3600)


async def immediate_task(task: Task, arguments: dict[str, Any]) -> dict[str, Any]:
    return text_result("done at once")


WORK = {
    "count_steps": count_steps,
    "ask_name": ask_name,
    "fail_task": fail_task,
    "tool_error_task": tool_error_task,
    "wait_forever": wait_forever,
    "immediate_task": immediate_task,
}


# --------------------------------------------------------------------------------------------
# The extension


class TaskIdParams(types.RequestParams):
    task_id: str = Field(alias="taskId")


class UpdateParams(TaskIdParams):
    input_responses: dict[str, Any] = Field(alias="inputResponses", default_factory=dict)


def declares_tasks(ctx: Any) -> bool:
    """Whether this request's client declared the tasks extension: the per-request `_meta`
    capabilities (2026-07-28), else the connection's (an older handshake)."""
    meta = ctx.meta or {}
    capabilities = meta.get(CLIENT_CAPABILITIES) if isinstance(meta, dict) else None
    if isinstance(capabilities, dict):
        extensions = capabilities.get("extensions")
        return isinstance(extensions, dict) and TASKS in extensions
    declared = getattr(ctx.session, "client_capabilities", None)
    extensions = getattr(declared, "extensions", None) if declared else None
    return bool(extensions) and TASKS in extensions


class TasksExtension(Extension):
    identifier = TASKS

    def __init__(self, poll_ms: int, events: EventLog) -> None:
        self.poll_ms = poll_ms
        self.events = events
        self.tasks: dict[str, Task] = {}

    def methods(self) -> list[MethodBinding]:
        return [
            MethodBinding("tasks/get", TaskIdParams, self.get),
            MethodBinding("tasks/update", UpdateParams, self.update),
            MethodBinding("tasks/cancel", TaskIdParams, self.cancel),
        ]

    async def intercept_tool_call(self, params: types.CallToolRequestParams, ctx: Any, call_next: Any) -> Any:
        work = WORK.get(params.name)
        if work is None:
            return await call_next(ctx)
        if not declares_tasks(ctx):
            raise MCPError(
                code=MISSING_CAPABILITY,
                message="Missing required client capability",
                data={"requiredCapabilities": {"extensions": {TASKS: {}}}},
            )
        task = Task(id=uuid.uuid4().hex, tool=params.name)
        self.tasks[task.id] = task
        self.events(f"create {task.tool} {task.id}")
        created = {"resultType": "task", **task.wire(self.poll_ms)}
        # A plain asyncio task: it outlives this request (and its cancel scope).
        task.runner = asyncio.get_running_loop().create_task(self.run(task, work, dict(params.arguments or {})))
        return created

    async def run(self, task: Task, work: Any, arguments: dict[str, Any]) -> None:
        try:
            result = await work(task, arguments)
        except asyncio.CancelledError:
            if task.cancel_requested:
                self.events(f"cancelled {task.id}")
                if task.status != "cancelled":
                    task.set("cancelled", "cancelled")
            raise
        except TaskFailed as e:
            task.error = {"code": INTERNAL_ERROR, "message": str(e)}
            task.set("failed", str(e))
        except Exception as e:  # a fixture bug: fail the task rather than lose it
            log.exception("task %s", task.id)
            task.error = {"code": INTERNAL_ERROR, "message": f"{type(e).__name__}: {e}"}
            task.set("failed", str(e))
        else:
            task.result = result
            task.set("completed", None)

    def lookup(self, task_id: str) -> Task:
        task = self.tasks.get(task_id)
        if task is None:
            raise MCPError(code=INVALID_PARAMS, message="Failed to retrieve task: Task not found")
        return task

    async def get(self, ctx: Any, params: TaskIdParams) -> dict[str, Any]:
        self.events(f"get {params.task_id}")
        task = self.lookup(params.task_id)
        task.polls += 1
        return {"resultType": "complete", **task.wire(self.poll_ms)}

    async def update(self, ctx: Any, params: UpdateParams) -> dict[str, Any]:
        self.events(f"update {params.task_id} {json.dumps(params.input_responses, sort_keys=True, separators=(',', ':'))}")
        task = self.lookup(params.task_id)
        answered = False
        for key, response in params.input_responses.items():
            waiter = task.waiters.get(key)
            if waiter is not None and not waiter.done():
                task.input_requests.pop(key, None)
                waiter.set_result(response)
                answered = True
        if answered and not task.input_requests and task.status == "input_required":
            task.set("working", None)
        return {"resultType": "complete"}

    async def cancel(self, ctx: Any, params: TaskIdParams) -> dict[str, Any]:
        self.events(f"cancel {params.task_id}")
        task = self.lookup(params.task_id)
        if task.status in TERMINAL:
            return {"resultType": "complete"}
        task.cancel_requested = True
        task.set("cancelled", "cancelled")
        runner = task.runner
        if runner is not None and not runner.done():
            runner.cancel()
            # Let the work stop (and `cancelled` reach the log) before answering.
            await asyncio.wait([runner], timeout=1)
        return {"resultType": "complete"}


# --------------------------------------------------------------------------------------------
# The server


def build_server(poll_ms: int, events: EventLog) -> MCPServer:
    app = MCPServer(
        "lmg-tasks-fixture",
        version="1.0.0",
        instructions="Tasks extension test fixture for lmg.",
        extensions=[TasksExtension(poll_ms, events)],
    )

    @app.tool(description="Returns its text unchanged (a plain tool, never a task).")
    def echo(text: str) -> str:
        return text

    # The task tools: listed like any tool; their calls are answered by the extension's interceptor
    # (these bodies never run).
    @app.tool(description="A task: counts `steps` steps of `delay_ms` each, reporting each in statusMessage.")
    def count_steps(steps: int = 3, delay_ms: int = 100) -> str:
        raise MCPError(code=INTERNAL_ERROR, message="count_steps runs as a task only")

    @app.tool(description="A task: asks the user for a name (a form elicitation through inputRequests).")
    def ask_name() -> str:
        raise MCPError(code=INTERNAL_ERROR, message="ask_name runs as a task only")

    @app.tool(description="A task that fails: 'the job broke'.")
    def fail_task() -> str:
        raise MCPError(code=INTERNAL_ERROR, message="fail_task runs as a task only")

    @app.tool(description="A task that completes with a tool error (isError): 'bad input'.")
    def tool_error_task() -> str:
        raise MCPError(code=INTERNAL_ERROR, message="tool_error_task runs as a task only")

    @app.tool(description="A task that runs until cancelled.")
    def wait_forever() -> str:
        raise MCPError(code=INTERNAL_ERROR, message="wait_forever runs as a task only")

    @app.tool(description="A task that completes at once.")
    def immediate_task() -> str:
        raise MCPError(code=INTERNAL_ERROR, message="immediate_task runs as a task only")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transport", choices=["stdio", "streamable-http"], default="stdio")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", metavar="FILE")
    parser.add_argument("--poll-ms", type=int, default=50, metavar="N")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="tasks_fixture: %(levelname)s %(message)s")
    app = build_server(args.poll_ms, EventLog(args.log))
    if args.transport == "stdio":
        # SIGTERM keeps its default action (terminate at once); EOF on stdin ends the session.
        app.run("stdio")
    else:
        anyio.run(serve_asgi, app.streamable_http_app(), args.port)


if __name__ == "__main__":
    main()
