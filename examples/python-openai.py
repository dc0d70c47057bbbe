"""Chat through Switchboard with the official `openai` Python package (pip install openai).

Run the gateway first (`npm start`), then: python examples/python-openai.py [model]
"""
import os
import sys

from openai import OpenAI

client = OpenAI(
    base_url=os.environ.get("SWITCHBOARD_URL", "http://127.0.0.1:8787/v1"),
    api_key=os.environ.get("SWITCHBOARD_API_KEY", "not-needed-when-the-gateway-is-open"),
)

models = [model.id for model in client.models.list()]
model = sys.argv[1] if len(sys.argv) > 1 else (models[0] if models else None)
if model is None:
    sys.exit("The gateway serves no models yet: add a provider (see README).")
print(f"model: {model}")

stream = client.chat.completions.create(
    model=model,
    messages=[{"role": "user", "content": "Say hello in five words."}],
    stream=True,
)
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="", flush=True)
print()
