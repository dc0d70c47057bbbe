// Chat through Switchboard with the official OpenAI SDK, streamed.
// Run the gateway first (`npm start`), then: node examples/node-openai-sdk.mjs [model]
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8787/v1',
  apiKey: process.env.SWITCHBOARD_API_KEY ?? 'not-needed-when-the-gateway-is-open',
});

const models = [];
for await (const model of client.models.list()) models.push(model.id);
const model = process.argv[2] ?? models[0];
if (!model) {
  console.error('The gateway serves no models yet: add a provider (see README).');
  process.exit(1);
}
console.log(`model: ${model}`);

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
  if (chunk.usage) console.log(`\n[tokens: ${chunk.usage.prompt_tokens} in, ${chunk.usage.completion_tokens} out]`);
}
