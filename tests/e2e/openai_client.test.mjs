// The gateway as an OpenAI client sees it: run by run_e2e.sh against `portico-gateway serve`,
// with PORTICO_BASE_URL (".../v1") and PORTICO_KEY (a key in a group granting demo and limited).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const baseURL = process.env.PORTICO_BASE_URL;
const apiKey = process.env.PORTICO_KEY;
assert.ok(baseURL, 'PORTICO_BASE_URL is not set');
assert.ok(apiKey, 'PORTICO_KEY is not set');

// No retries: a refused request must surface as its typed error at once.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Hello!' }];

async function rejectsWith(promise, ErrorClass, status) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error?.constructor?.name}`);
    assert.equal(error.status, status);
    assert.ok(!String(error.message).includes(apiKey), 'an error message contains the key');
    return true;
  });
}

test('chat completion', async () => {
  const completion = await client.chat.completions.create({ model: 'demo', messages });
  assert.equal(completion.choices[0].message.content, 'Echo: Hello!');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.ok(completion.usage.total_tokens > 0);
});

test('streamed chat completion', async () => {
  const stream = await client.chat.completions.create({
    model: 'demo',
    messages: [{ role: 'user', content: 'stream these words please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let chunks = 0;
  let usage = null;
  for await (const chunk of stream) {
    chunks += 1;
    if (chunk.usage) usage = chunk.usage;
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  assert.equal(text, 'Echo: stream these words please');
  assert.ok(chunks > 3, `only ${chunks} chunks`);
  assert.ok(usage && usage.completion_tokens > 0);
});

test('models lists the routes the key can reach', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert.ok(ids.includes('demo'));
  assert.ok(ids.includes('limited'));
  assert.ok(!ids.includes('secret'), 'a route no group of the key grants is listed');
});

test('embeddings', async () => {
  const result = await client.embeddings.create({ model: 'demo', input: ['first text', 'second'] });
  assert.equal(result.data.length, 2);
  assert.ok(result.data[0].embedding.length > 0);
});

test('unknown key: AuthenticationError', async () => {
  const stranger = new OpenAI({ baseURL, apiKey: 'ptc_not-a-real-key', maxRetries: 0 });
  await rejectsWith(stranger.chat.completions.create({ model: 'demo', messages }),
                    OpenAI.AuthenticationError, 401);
});

test('route not granted: PermissionDeniedError', async () => {
  await rejectsWith(client.chat.completions.create({ model: 'secret', messages }),
                    OpenAI.PermissionDeniedError, 403);
});

test('unknown route: NotFoundError', async () => {
  await rejectsWith(client.chat.completions.create({ model: 'no-such-route', messages }),
                    OpenAI.NotFoundError, 404);
});

test('invalid request: BadRequestError', async () => {
  await rejectsWith(client.chat.completions.create({ model: 'demo', messages: [] }),
                    OpenAI.BadRequestError, 400);
});

test('route rate limit: RateLimitError', async () => {
  await client.chat.completions.create({ model: 'limited', messages });
  await rejectsWith(client.chat.completions.create({ model: 'limited', messages }),
                    OpenAI.RateLimitError, 429);
});

// Last: the requests above must show in the counters. /metrics needs no key, like /health.
test('metrics parse with a Prometheus text-format parser', async () => {
  const response = await fetch(baseURL.replace(/\/v1\/?$/, '') + '/metrics');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  assert.ok(!text.includes(apiKey), 'the metrics contain the key');
  const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  const expected = {
    portico_requests_total: 'COUNTER',
    portico_prompt_tokens_total: 'COUNTER',
    portico_completion_tokens_total: 'COUNTER',
    portico_cost_usd_total: 'COUNTER',
    portico_request_duration_seconds: 'HISTOGRAM',
    portico_time_to_first_token_seconds: 'HISTOGRAM',
    portico_active_streams: 'GAUGE',
    portico_upstream_errors_total: 'COUNTER',
    portico_up: 'GAUGE',
    portico_build_info: 'GAUGE',
  };
  for (const [name, type] of Object.entries(expected)) {
    assert.equal(families.get(name)?.type, type, name);
    assert.ok(families.get(name).help, `${name} has no HELP`);
  }
  const served = families
    .get('portico_requests_total')
    .metrics.filter((m) => m.labels.route === 'demo' && m.labels.key === 'e2e key' && m.labels.status === '200')
    .reduce((sum, m) => sum + Number(m.value), 0);
  assert.ok(served >= 2, `requests_total for demo/e2e key/200 is ${served}`);
  // The parser folds labelled histograms into one sample (it only handles histograms labelled by
  // `le` alone), so their buckets are checked by tests/proxy/test_metrics.cpp instead.
  assert.equal(Number(families.get('portico_active_streams').metrics[0].value), 0);
});

// The client reports an error's headers as a Headers object (a plain object in older versions).
const headerOf = (error, name) =>
  typeof error.headers?.get === 'function' ? error.headers.get(name) : error.headers?.[name];

// Issue 10: a key's own limits. The 429 carries OpenAI's rate-limit headers, which the client
// reports on the error; an exhausted budget is OpenAI's insufficient_quota.
test('key rate limit: RateLimitError with x-ratelimit headers', async () => {
  const limited = new OpenAI({ baseURL, apiKey: process.env.PORTICO_RPM_KEY, maxRetries: 0 });
  const { response } = await limited.chat.completions.create({ model: 'demo', messages }).withResponse();
  assert.equal(response.headers.get('x-ratelimit-limit-requests'), '1');
  assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '0');
  await assert.rejects(limited.chat.completions.create({ model: 'demo', messages }), (error) => {
    assert.ok(error instanceof OpenAI.RateLimitError, `got ${error?.constructor?.name}`);
    assert.equal(error.status, 429);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.equal(headerOf(error, 'x-ratelimit-limit-requests'), '1');
    assert.equal(headerOf(error, 'x-ratelimit-remaining-requests'), '0');
    assert.match(headerOf(error, 'x-ratelimit-reset-requests'), /^\d+s$/);
    assert.ok(Number(headerOf(error, 'retry-after')) >= 1);
    assert.equal(headerOf(error, 'x-ratelimit-limit-tokens'), '100000');
    return true;
  });
});

test('key budget: insufficient_quota', async () => {
  const budgeted = new OpenAI({ baseURL, apiKey: process.env.PORTICO_BUDGET_KEY, maxRetries: 0 });
  // max_tokens 2 reserves 2 USD, more than the budget of 1.
  await assert.rejects(
    budgeted.chat.completions.create({ model: 'priced', messages, max_tokens: 2 }), (error) => {
      assert.ok(error instanceof OpenAI.RateLimitError, `got ${error?.constructor?.name}`);
      assert.equal(error.type, 'insufficient_quota');
      assert.match(error.message, /budget of \$1\.00 per day/);
      assert.match(error.message, /resets at/);
      return true;
    });
});
