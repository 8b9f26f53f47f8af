"""An MCP server for lmg's tests that serves 2025-11-25's experimental tasks, built on the official
Python SDK 1.x (mcp 1.30.0: the low-level server's `experimental.enable_tasks()` and `run_task`).

Usage (run with .venv-mcp1/bin/python):
  legacy_tasks_fixture.py [--transport stdio|streamable-http] [--port 0] [--log FILE] [--poll-ms N]
streamable-http listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>`; endpoint /mcp.

The server declares capabilities.tasks (list, cancel, requests.tools.call). A task tool has
execution.taskSupport "required"; a tools/call with a `task` member answers a CreateTaskResult at once
and the work goes on; the client polls tasks/get and fetches the outcome with tasks/result (which
also carries the task's elicitation requests to the client).

Tools:
  maybe_task(text)                  taskSupport "optional": called without `task`, returns text.
  count_steps(steps=3, delay_ms=100) task: statusMessage "step i of N", delay_ms each and until a
                                    tasks/get has seen it (at most 10 s); "counted N steps".
  ask_name()                        task: elicits "Your name?" (required string `name`) through
                                    tasks/result; completes with "elicited: <name>" or "elicited: <action>".
  fail_task()                       task: fails with "the job broke".
  tool_error_task()                 task: completes with isError true, "bad input".
  wait_forever()                    task: runs until cancelled.
  immediate_task()                  task: completes at once with "done at once".

--poll-ms N (default 50) is the pollInterval every task reports.
--log FILE appends one line per event, flushed at once:
  call <tool> task=yes|no    a tools/call, with or without the `task` member
  get <taskId>               tasks/get
  result <taskId>            tasks/result
  cancel <taskId>            tasks/cancel
  cancelled <taskId>         the task's work saw the cancel and stopped
"""

from __future__ import annotations

import argparse
import warnings
import sys
from typing import Any

import anyio
from asgi_server import serve_asgi
from event_log import EventLog
import mcp.types as types
from mcp.server.experimental.task_context import ServerTaskContext
from mcp.server.fastmcp import FastMCP
from mcp.shared.experimental.tasks.in_memory_task_store import InMemoryTaskStore


class PollingStore(InMemoryTaskStore):
    """The SDK's store, with the poll interval of --poll-ms instead of its fixed 500 ms."""

    def __init__(self, poll_ms: int) -> None:
        super().__init__()
        self.poll_ms = poll_ms

    async def create_task(self, metadata: types.TaskMetadata, task_id: str | None = None) -> types.Task:
        task = await super().create_task(metadata, task_id)
        self._tasks[task.taskId].task.pollInterval = self.poll_ms
        task.pollInterval = self.poll_ms
        return task


def text(value: str, error: bool = False) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=value)], isError=error)


TASK_TOOLS: dict[str, tuple[str, dict[str, Any]]] = {
    "count_steps": (
        "A task: counts `steps` steps of `delay_ms` each, reporting each in statusMessage.",
        {"steps": {"type": "integer", "default": 3}, "delay_ms": {"type": "integer", "default": 100}},
    ),
    "ask_name": ("A task: asks the user for a name.", {}),
    "fail_task": ("A task that fails: 'the job broke'.", {}),
    "tool_error_task": ("A task that completes with a tool error: 'bad input'.", {}),
    "wait_forever": ("A task that runs until cancelled.", {}),
    "immediate_task": ("A task that completes at once.", {}),
}


def build(poll_ms: int, log: EventLog) -> FastMCP:
    # FastMCP for the transports; the low-level server underneath for the task handlers.
    app = FastMCP("lmg-legacy-tasks-fixture", log_level="WARNING")
    server = app._mcp_server
    support = server.experimental.enable_tasks(store=PollingStore(poll_ms))

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        tools = [
            types.Tool(
                name="maybe_task",
                description="Returns its text; may run as a task, need not.",
                inputSchema={"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
                execution=types.ToolExecution(taskSupport="optional"),
            )
        ]
        for name, (description, properties) in TASK_TOOLS.items():
            tools.append(
                types.Tool(
                    name=name,
                    description=description,
                    inputSchema={"type": "object", "properties": properties},
                    execution=types.ToolExecution(taskSupport="required"),
                )
            )
        return tools

    @server.call_tool()
    async def call_tool(name: str, arguments: dict[str, Any]) -> Any:
        ctx = server.request_context
        augmented = ctx.experimental.task_metadata is not None
        log(f"call {name} task={'yes' if augmented else 'no'}")
        if name == "maybe_task" and not augmented:
            return text(str(arguments.get("text", "")))
        if name not in TASK_TOOLS and name != "maybe_task":
            return text(f"unknown tool {name}", error=True)
        if not augmented:
            return text(f"{name} runs as a task only", error=True)

        async def work(task: ServerTaskContext) -> types.CallToolResult:
            if name == "maybe_task":
                return text(str(arguments.get("text", "")))
            if name == "count_steps":
                steps, delay = int(arguments.get("steps", 3)), int(arguments.get("delay_ms", 100))
                for step in range(1, steps + 1):
                    await task.update_status(f"step {step} of {steps}")
                    polled = polls.get(task.task_id, 0)
                    await anyio.sleep(delay / 1000)
                    # Each step is seen by a poll however slow the client is today (up to 10 s).
                    for _ in range(1000):
                        if polls.get(task.task_id, 0) > polled:
                            break
                        await anyio.sleep(0.01)
                return text(f"counted {steps} steps")
            if name == "ask_name":
                await anyio.sleep(0.05)
                answer = await task.elicit(
                    message="Your name?",
                    requestedSchema={"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                )
                if answer.action == "accept" and answer.content:
                    return text(f"elicited: {answer.content.get('name')}")
                return text(f"elicited: {answer.action}")
            if name == "fail_task":
                raise RuntimeError("the job broke")
            if name == "tool_error_task":
                return text("bad input", error=True)
            if name == "wait_forever":
                while True:
                    current = await support.store.get_task(task.task_id)
                    if current is None or current.status == "cancelled":
                        log(f"cancelled {task.task_id}")
                        return text("cancelled")
                    await anyio.sleep(0.02)
            return text("done at once")

        return await ctx.experimental.run_task(work)

    handlers = server.request_handlers
    # tasks/get answered so far, by task: count_steps moves on only once a poll has seen each step.
    polls: dict[str, int] = {}

    def logged(request_type: type, verb: str) -> None:
        inner = handlers[request_type]

        async def handler(request: Any) -> Any:
            log(f"{verb} {request.params.taskId}")
            answer = await inner(request)
            if verb == "get":
                polls[request.params.taskId] = polls.get(request.params.taskId, 0) + 1
            return answer

        handlers[request_type] = handler

    logged(types.GetTaskRequest, "get")
    logged(types.GetTaskPayloadRequest, "result")
    logged(types.CancelTaskRequest, "cancel")
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transport", choices=["stdio", "streamable-http"], default="stdio")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", metavar="FILE")
    parser.add_argument("--poll-ms", type=int, default=50, metavar="N")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    app = build(args.poll_ms, EventLog(args.log))
    if args.transport == "stdio":
        app.run("stdio")
    else:
        anyio.run(serve_asgi, app.streamable_http_app(), args.port)


if __name__ == "__main__":
    sys.exit(main())
