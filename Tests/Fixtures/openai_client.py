"""The official `openai` Python SDK as a client of `lmg serve`'s OpenAI-compatible endpoint.

Runs the named scenarios in order against --base-url (e.g. http://127.0.0.1:PORT/v1) and prints one
JSON object: {scenario: result}. A scenario that raises records {"error": class name, "status",
"code", "message", "retry_after"} instead, so the Swift test asserts on SDK-level outcomes.
The upstream is Tests/Fixtures/model_server.py (its script first, then its rules: `call NAME {json}`
becomes a tool call, a tool result is answered "Tool results: ...", `fail STATUS [RETRY_AFTER]` fails).

  python3 openai_client.py --base-url URL --key KEY [--limited-key KEY] SCENARIO...
"""
import argparse, json, sys

import openai

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "The client's own weather lookup",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}


def user(text):
    return [{"role": "user", "content": text}]


def completion(answer):
    choice = answer.choices[0]
    return {"content": choice.message.content, "finish_reason": choice.finish_reason,
            "tool_calls": [{"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
                           for c in (choice.message.tool_calls or [])],
            "usage": answer.usage.model_dump() if answer.usage else None,
            "lmg": (answer.model_extra or {}).get("lmg"), "model": answer.model, "id": answer.id}


def streamed(stream):
    text, reasons, usage, tools, calls, ids = "", [], None, [], {}, set()
    for chunk in stream:
        ids.add(chunk.id)
        extra = (chunk.model_extra or {}).get("lmg")
        if extra and "tool_call" in extra:
            tools.append("%s %s" % (extra["tool_call"]["name"], extra["tool_call"]["status"]))
        if chunk.usage:
            usage = chunk.usage.model_dump()
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for call in choice.delta.tool_calls or []:
                slot = calls.setdefault(call.index, {"id": None, "name": "", "arguments": ""})
                slot["id"] = call.id or slot["id"]
                slot["name"] += (call.function.name or "") if call.function else ""
                slot["arguments"] += (call.function.arguments or "") if call.function else ""
            if choice.finish_reason:
                reasons.append(choice.finish_reason)
    return {"content": text, "finish_reasons": reasons, "usage": usage, "tool_events": tools,
            "tool_calls": [calls[i] for i in sorted(calls)], "ids": len(ids)}


def scenarios(client, limited):
    def three_rounds():
        return completion(client.chat.completions.create(model="fast", messages=user("compute")))

    def three_rounds_stream():
        return streamed(client.chat.completions.create(
            model="fast", messages=user("compute"), stream=True, stream_options={"include_usage": True}))

    def client_tool():
        messages = user('call get_weather {"city": "Oslo"}')
        first = client.chat.completions.create(model="fast", messages=messages, tools=[WEATHER])
        call = first.choices[0].message.tool_calls[0]
        messages.append(first.choices[0].message.model_dump(exclude_none=True))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": "sunny, 21 C"})
        second = client.chat.completions.create(model="fast", messages=messages, tools=[WEATHER])
        return {"first": completion(first), "second": completion(second)}

    def client_tool_stream():
        return streamed(client.chat.completions.create(
            model="fast", messages=user('call get_weather {"city": "Bergen"}'), tools=[WEATHER], stream=True))

    def mcp_off():
        return completion(client.chat.completions.create(
            model="fast", messages=user('call builtin__calculate {"expression": "1+1"}'), extra_body={"mcp": False}))

    def limited_key():
        return completion(limited.chat.completions.create(
            model="fast", messages=user('call other__calculate {"expression": "2+2"}')))

    def routing():
        big = completion(client.chat.completions.create(model="big", messages=user("which model?")))
        try:
            client.chat.completions.create(model="nope", messages=user("hi"))
            unknown = "no error"
        except openai.NotFoundError as error:
            unknown = {"status": error.status_code, "code": error.code, "param": error.param}
        return {"big": big, "unknown": unknown, "models": sorted(m.id for m in client.models.list())}

    def rate_limited():
        return completion(client.chat.completions.create(model="fast", messages=user("fail 429 120")))

    def upstream_500():
        return completion(client.chat.completions.create(model="fast", messages=user("fail 500")))

    def upstream_401():
        return completion(client.chat.completions.create(model="fast", messages=user("fail 401")))

    def disconnect():
        stream = client.chat.completions.create(
            model="fast", messages=user('call fx__slow {"seconds": 30}'), stream=True)
        seen = []
        for chunk in stream:
            extra = (chunk.model_extra or {}).get("lmg")
            if extra and "tool_call" in extra:
                seen.append(extra["tool_call"]["status"])
                if extra["tool_call"]["status"] == "running":
                    break
        stream.close()
        return {"seen": seen}

    def disconnect_plain():
        # Not streamed: the client gives up after 2 s and closes the connection mid-call.
        try:
            client.with_options(timeout=2).chat.completions.create(
                model="fast", messages=user('call fx__slow {"seconds": 30}'))
        except openai.APITimeoutError:
            return {"timed_out": True}
        return {"timed_out": False}

    return locals()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--limited-key")
    parser.add_argument("scenario", nargs="+")
    args = parser.parse_args()
    client = openai.OpenAI(base_url=args.base_url, api_key=args.key, max_retries=0, timeout=60)
    limited = openai.OpenAI(base_url=args.base_url, api_key=args.limited_key or args.key, max_retries=0, timeout=60)
    table = scenarios(client, limited)
    results = {}
    for name in args.scenario:
        try:
            results[name] = table[name]()
        except openai.APIStatusError as error:
            results[name] = {"error": type(error).__name__, "status": error.status_code, "code": error.code,
                             "type": error.type, "message": error.message,
                             "retry_after": error.response.headers.get("retry-after")}
        except Exception as error:  # the test shows what went wrong
            results[name] = {"error": type(error).__name__, "message": str(error)}
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
