import fc from 'fast-check';
import {
  createFlowReader,
  FlowFormatError,
  FlowParseError,
  importFlowText,
  importProgress,
  InventoryIndex,
  stripTrailingCommas,
  type FlowRecord,
  type ReaderStats,
} from '@bulkhead/flows';
import { readSample, SAMPLE } from '../../../test/fixtures/flows/samples';
import { propertyRuns } from '../../../test/support/property-runs';

function readChunks(
  chunks: Iterable<string>,
  format?: 'hubble' | 'calico-json' | 'calico-legacy' | 'edge-list',
): { records: FlowRecord[]; stats: ReaderStats } {
  const reader = createFlowReader({ format: format ?? 'auto' });
  const records: FlowRecord[] = [];
  for (const c of chunks) records.push(...reader.feed(c));
  records.push(...reader.end());
  return { records, stats: reader.stats() };
}

function* fixedChunks(text: string, size: number): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** Cut `text` at the given offsets (any order, duplicates allowed). */
function cutAt(text: string, offsets: number[]): string[] {
  const cuts = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of cuts) {
    out.push(text.slice(from, c));
    from = c;
  }
  out.push(text.slice(from));
  return out;
}

const ALL = [
  SAMPLE.hubble10,
  SAMPLE.hubbleDns5,
  SAMPLE.hubbleHttp5,
  SAMPLE.hubbleIcmp,
  SAMPLE.hubbleFieldMask,
  SAMPLE.calicoNoAggregation,
  SAMPLE.calicoHostForwarded1,
  SAMPLE.calicoHostForwarded2,
  SAMPLE.calicoLegacy,
];

describe('chunk boundaries do not change the result', () => {
  test.each(ALL)('%s in 1-char, 7-char and whole chunks', (name) => {
    const text = readSample(name);
    const whole = readChunks([text]);
    expect(readChunks(fixedChunks(text, 1))).toEqual(whole);
    expect(readChunks(fixedChunks(text, 7))).toEqual(whole);
  });

  test('400-tcp in 1-char and 7-char chunks', () => {
    const text = readSample(SAMPLE.hubbleTcp400);
    const whole = readChunks([text]);
    expect(readChunks(fixedChunks(text, 7))).toEqual(whole);
    expect(readChunks(fixedChunks(text, 1))).toEqual(whole);
  });

  test('property: any cut points, with CRLF or LF, give the same records and stats', () => {
    const samples = [
      readSample(SAMPLE.hubble10),
      readSample(SAMPLE.calicoNoAggregation),
      readSample(SAMPLE.calicoHostForwarded1) + readSample(SAMPLE.calicoHostForwarded2),
    ].map((text) => ({ text, whole: readChunks([text]) }));
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (sample, offsets, crlf) => {
        const text = crlf ? sample.text.replace(/\n/g, '\r\n') : sample.text;
        const got = readChunks(cutAt(text, offsets));
        const want = crlf ? readChunks([text]) : sample.whole;
        expect(got.records).toEqual(want.records);
        expect({ ...got.stats, chars: 0 }).toEqual({ ...want.stats, chars: 0 });
      }),
      { numRuns: propertyRuns(150) },
    );
  });

  test('CRLF input gives the same records as LF input', () => {
    const text = readSample(SAMPLE.hubble10);
    expect(readChunks([text.replace(/\n/g, '\r\n')]).records).toEqual(readChunks([text]).records);
  });
});

describe('malformed input', () => {
  const good = readSample(SAMPLE.hubbleFieldMask).split('\n')[1];

  test('a malformed line is skipped with a reason and its line number; the rest is read', () => {
    const text = [good, '{"flow": {"verdict": "FORW', 'not json at all', '', good, '[1,2]', '{"something":"else"}'].join('\n');
    const { records, stats } = readChunks([text], 'hubble');
    expect(records).toHaveLength(2);
    expect(records.map((r) => r.line)).toEqual([1, 5]);
    expect(stats.skippedByReason).toEqual({
      'invalid-json': { count: 2, lines: [2, 3] },
      'not-an-object': { count: 1, lines: [6] },
      'unrecognized-object': { count: 1, lines: [7] },
    });
    expect(stats.lines).toBe(7);
  });

  test('nothing parsable at all is an error naming the reasons', () => {
    const reader = createFlowReader('hubble');
    reader.feed('{"flow": {"verdict": \n{"flow": \n');
    expect(() => reader.end()).toThrow(FlowParseError);
    const again = createFlowReader('hubble');
    again.feed('{"flow": {"verdict": \n');
    expect(() => again.end()).toThrow(/invalid-json x1 \(lines 1\)/);
  });

  test('well-formed lines that are all skipped (health noise) are not an error', () => {
    const r = importFlowText(readSample(SAMPLE.hubbleIcmp), InventoryIndex.empty());
    expect(r.reader.records).toBe(0);
  });

  test('over-long lines and documents are skipped, not buffered', () => {
    const long = `{"flow":{"Summary":"${'x'.repeat(5000)}"}}`;
    const reader = createFlowReader({ format: 'hubble', maxUnitChars: 1000 });
    const got: FlowRecord[] = [];
    for (const c of fixedChunks([good, long, good].join('\n'), 100)) got.push(...reader.feed(c));
    got.push(...reader.end());
    expect(got.map((r) => r.line)).toEqual([1, 3]);
    const s = reader.stats();
    expect(s.records).toBe(2);
    expect(s.skippedByReason['line-too-long']).toEqual({ count: 1, lines: [2] });

    const docs = createFlowReader({ format: 'calico-json', maxUnitChars: 1000 });
    const doc = readSample(SAMPLE.calicoHostForwarded1);
    docs.feed(`${doc}\n{"source_namespace": "${'y'.repeat(3000)}"}\n${doc}`);
    docs.end();
    expect(docs.stats().records).toBe(2);
    expect(docs.stats().skippedByReason['document-too-large']?.count).toBe(1);
  });

  test('a document cut off at the end of input is reported', () => {
    const reader = createFlowReader('calico-json');
    const got = [...reader.feed(readSample(SAMPLE.calicoHostForwarded1)), ...reader.feed('{"source_namespace": "a", ')];
    got.push(...reader.end());
    expect(got).toHaveLength(1);
    expect(reader.stats().skippedByReason['invalid-json']).toEqual({ count: 1, lines: [35] });
  });
});

describe('Hubble event lines', () => {
  test('lost_events are summed; node_status, agent_event and debug_event are counted and skipped', () => {
    const good = readSample(SAMPLE.hubbleFieldMask).split('\n')[1];
    const text = [
      '{"node_status":{"state_change":"NODE_CONNECTED","node_names":["kind-worker"]},"node_name":"kind-worker"}',
      good,
      '{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"12","cpu":1},"node_name":"kind-worker","time":"2023-08-21T12:12:19Z"}',
      '{"lost_events":{"source":"PERF_EVENT_RING_BUFFER","num_events_lost":3}}',
      '{"agent_event":{"type":"ENDPOINT_CREATED"}}',
      '{"debug_event":{"type":"DBG_GENERIC"}}',
    ].join('\n');
    const { records, stats } = readChunks([text]);
    expect(records).toHaveLength(1);
    expect(stats.format).toBe('hubble');
    expect(stats.lostEvents).toBe(15);
    expect(stats.lostEventRecords).toBe(2);
    expect(stats.events).toEqual({ node_status: 1, agent_event: 1, debug_event: 1 });
    expect(stats.skipped).toBe(0);
  });

  test('pretty-printed Hubble JSON (jq output) and a top-level array are read as documents', () => {
    const lines = readSample(SAMPLE.hubble10).trim().split('\n');
    const pretty = lines.map((l) => JSON.stringify(JSON.parse(l), null, 2)).join('\n');
    const array = `[${lines.join(',\n')}]`;
    const want = readChunks([lines.join('\n')]).records.map((r) => ({ ...r, line: 0 }));
    const a = readChunks(fixedChunks(pretty, 13));
    expect(a.stats.framing).toBe('documents');
    expect(a.records.map((r) => ({ ...r, line: 0 }))).toEqual(want);
    expect(readChunks([array]).records.map((r) => ({ ...r, line: 0 }))).toEqual(want);
  });
});

describe('detection through the reader', () => {
  test('input shorter than the detection window is detected at end()', () => {
    const reader = createFlowReader();
    expect(reader.feed(readSample(SAMPLE.calicoLegacy))).toEqual([]);
    expect(reader.format).toBeUndefined();
    expect(reader.end()).toHaveLength(1);
    expect(reader.format).toBe('calico-legacy');
  });

  test('unknown content is an error naming what was seen', () => {
    const reader = createFlowReader();
    reader.feed('hello world, this is not a flow log\n');
    expect(() => reader.end()).toThrow(FlowFormatError);
    expect(() => createFlowReader().end()).toThrow(/empty/);
    const r2 = createFlowReader();
    r2.feed('hello world\n');
    expect(() => r2.end()).toThrow(/First line: hello world/);
  });
});

describe('stripTrailingCommas', () => {
  test.each([
    ['[1, 2,]', '[1, 2]'],
    ['{"a": [1,\n  ],\n}', '{"a": [1\n  ]\n}'],
    ['{"a": ",]"}', '{"a": ",]"}'],
    ['{"a": "\\",]"}', '{"a": "\\",]"}'],
    ['[1,2]', '[1,2]'],
  ])('%j -> %j', (input, output) => {
    expect(stripTrailingCommas(input)).toBe(output);
  });
});

describe('bare Flow objects (hubble observe -o json)', () => {
  test('read exactly like the jsonpb wrapper lines', () => {
    const lines = readSample(SAMPLE.hubbleTcp400).trim().split('\n');
    const bareFlows = lines.map((l) => JSON.stringify((JSON.parse(l) as { flow: unknown }).flow)).join('\n');
    const bare = readChunks([bareFlows]);
    expect(bare.stats.format).toBe('hubble');
    expect(bare.records).toEqual(readChunks([lines.join('\n')]).records);
  });
});

describe('importProgress', () => {
  test('flattens reader and aggregation stats', () => {
    const text = `${readSample(SAMPLE.hubbleFieldMask)}{"lost_events":{"num_events_lost":"7"}}\n`;
    const r = importFlowText(text, InventoryIndex.empty());
    expect(importProgress(r.reader, r.aggregation)).toEqual({
      format: 'hubble',
      charsRead: text.length,
      lines: 3,
      flowsParsed: 1,
      flowsAttributed: 0,
      flowsSkipped: 2,
      skippedByReason: { 'empty-endpoint': 1, 'unattributed:src:pod-not-in-inventory': 1 },
      lostEvents: 7,
      edges: 0,
      connections: 0,
    });
  });
});

describe('recovery from broken documents', () => {
  const line =
    '{"start_time":1700000000,"source_namespace":"shop","source_name_aggr":"a-*","source_type":"wep","dest_namespace":"shop","dest_name_aggr":"b-*","dest_type":"wep","dest_port":80,"proto":"tcp","action":"allow","reporter":"src"}';

  test('JSON lines: a truncated line costs only itself', () => {
    const text = [line, '{"start_time":1700000000,"source_namespace":"shop","dest_port":', line, '{"start_time":17', line].join('\n');
    const { records, stats } = readChunks(fixedChunks(text, 5));
    expect(stats.framing).toBe('lines');
    expect(records.map((r) => r.line)).toEqual([1, 3, 5]);
    expect(stats.skippedByReason).toEqual({ 'invalid-json': { count: 2, lines: [2, 4] } });
  });

  test('documents: a document cut inside a string is dropped and reading resumes', () => {
    const doc = JSON.stringify(JSON.parse(line), null, 2);
    const text = [doc, '{\n  "source_namespace": "sh', doc].join('\n');
    const { records, stats } = readChunks(fixedChunks(text, 3));
    expect(stats.framing).toBe('documents');
    expect(records).toHaveLength(2);
    expect(stats.skippedByReason['invalid-json']?.count).toBe(1);
  });

  test('an explicit format still detects its framing, and empty input is no error then', () => {
    const reader = createFlowReader('calico-json');
    reader.feed(`${line}\n${line}\n`);
    expect(reader.end()).toHaveLength(2);
    expect(reader.stats().framing).toBe('lines');
    expect(createFlowReader('hubble').end()).toEqual([]);
  });
});

test('a byte order mark before the first line is ignored, in any chunking', () => {
  const text = readSample(SAMPLE.hubble10);
  const want = readChunks([text]).records;
  expect(readChunks([`\uFEFF${text}`]).records).toEqual(want);
  expect(readChunks(fixedChunks(`\uFEFF${text}`, 1)).records).toEqual(want);
  expect(readChunks([`\uFEFF${readSample(SAMPLE.calicoLegacy)}`]).records).toHaveLength(1);
});

test('a damaged first line is skipped and the rest is read', () => {
  const text = `garbage, not json\n${readSample(SAMPLE.hubble10)}`;
  const { records, stats } = readChunks([text]);
  expect(stats.framing).toBe('lines');
  expect(records).toHaveLength(10);
  expect(stats.skippedByReason).toEqual({ 'invalid-json': { count: 1, lines: [1] } });
});
