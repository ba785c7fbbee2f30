/**
 * Renders a bench report as the Markdown table of docs/performance.md:
 *   npm run bench > report.json && node --import ./scripts/register-ts.mjs bench/table.ts report.json
 */
import { readFileSync } from 'node:fs';
import { BenchReportSchema, type BenchReport } from './report.js';

/** The report's figures as Markdown tables. */
export function renderTables(r: BenchReport): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const lat = (l: { p50_ms: number; p99_ms: number }): string => `${l.p50_ms} / ${l.p99_ms}`;
  const rows: Array<[string, string, string]> = [
    [
      'raw client, 64 in flight (ceiling)',
      `${n(r.raw_client.inflight_64.msgs_per_s)}`,
      lat(r.raw_client.inflight_64.latency),
    ],
    [
      'raw client, one at a time',
      `${n(r.raw_client.one_at_a_time.msgs_per_s)}`,
      lat(r.raw_client.one_at_a_time.latency),
    ],
    [
      'send-and-wait baseline (Rust runtime loop), 8 partitions',
      `${n(r.send_and_wait.msgs_per_s)}`,
      lat(r.send_and_wait.latency),
    ],
    [
      'runtime, polling, ordered, 8 partitions',
      `${n(r.runtime.polling.ordered_8p.msgs_per_s)}`,
      lat(r.runtime.polling.ordered_8p.latency),
    ],
    [
      'runtime, polling, window 64, 1 partition',
      `${n(r.runtime.polling.window_64_1p.msgs_per_s)}`,
      lat(r.runtime.polling.window_64_1p.latency),
    ],
    [
      `runtime, polling, window 64, 1 partition, buffer_size ${n(r.buffer_size_effect.large_buffer_size)}`,
      `${n(r.buffer_size_effect.polling_window_64_1p_large_buffer.msgs_per_s)}`,
      lat(r.buffer_size_effect.polling_window_64_1p_large_buffer.latency),
    ],
    [
      'runtime, streaming, ordered, 8 partitions',
      `${n(r.runtime.streaming.ordered_8p.msgs_per_s)}`,
      lat(r.runtime.streaming.ordered_8p.latency),
    ],
    [
      'runtime, streaming, window 64, 1 partition',
      `${n(r.runtime.streaming.window_64_1p.msgs_per_s)}`,
      lat(r.runtime.streaming.window_64_1p.latency),
    ],
    [
      'bare gRPC transport (no Danube logic), one at a time',
      `${n(r.transport_ceiling.inflight_1.msgs_per_s)}`,
      '–',
    ],
    [
      'bare gRPC transport (no Danube logic), 8 in flight',
      `${n(r.transport_ceiling.inflight_8.msgs_per_s)}`,
      '–',
    ],
    [
      'bare gRPC transport (no Danube logic), 64 in flight',
      `${n(r.transport_ceiling.inflight_64.msgs_per_s)}`,
      '–',
    ],
    ['LAN-like (+1 ms per send): send-and-wait', `${n(r.lan_1ms.send_and_wait.msgs_per_s)}`, '–'],
    [
      'LAN-like (+1 ms per send): runtime, polling, ordered, 8 partitions',
      `${n(r.lan_1ms.runtime_polling_ordered_8p.msgs_per_s)}`,
      '–',
    ],
  ];
  const throughput = [
    '| scenario | msgs/s | latency p50 / p99 (ms) |',
    '|---|---:|---:|',
    ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
  ].join('\n');
  const ratios = [
    '| ratio | measured | target | met |',
    '|---|---:|---:|:-:|',
    `| windowed_vs_raw (min of polling ${r.ratios.windowed_vs_raw_polling}, streaming ${r.ratios.windowed_vs_raw_streaming}) | ${r.ratios.windowed_vs_raw} | ≥ ${r.targets.windowed_vs_raw} | ${r.targets_met.windowed_vs_raw ? 'yes' : 'no'} |`,
    `| ordered_8p_vs_send_and_wait (polling; streaming ${r.ratios.ordered_8p_vs_send_and_wait_streaming}) | ${r.ratios.ordered_8p_vs_send_and_wait} | ≥ ${r.targets.ordered_8p_vs_send_and_wait} | ${r.targets_met.ordered_8p_vs_send_and_wait ? 'yes' : 'no'} |`,
    `| same, LAN-like round trip (+1 ms) | ${r.lan_1ms.ratio_ordered_8p_vs_send_and_wait} | ≥ ${r.targets.ordered_8p_vs_send_and_wait} | ${r.lan_1ms.ratio_ordered_8p_vs_send_and_wait >= r.targets.ordered_8p_vs_send_and_wait ? 'yes' : 'no'} |`,
    `| buffer_size ${n(r.buffer_size_effect.large_buffer_size)} vs default ${n(r.buffer_size_effect.default_buffer_size)} (polling, window 64) | ${r.buffer_size_effect.ratio_large_vs_default} | – | – |`,
    `| transport ceiling: bare gRPC 8 in flight / one at a time | ${r.transport_ceiling.ratio_8_vs_1} | – | – |`,
  ].join('\n');
  const other = [
    '| figure | value |',
    '|---|---:|',
    `| publish latency p50 / p99, raw client one at a time (ms) | ${lat(r.publish_latency.raw_client_one_at_a_time)} |`,
    `| publish latency p50 / p99, runtime one at a time (ms) | ${lat(r.publish_latency.runtime_streaming_one_at_a_time)} |`,
    `| runtime overhead at p50 (ms) | ${r.publish_latency.runtime_overhead_p50_ms} |`,
    `| broker 10× slower (${r.slow_broker.broker_latency_ms} ms per send): buffered + in-flight peak / bound | ${r.slow_broker.peak_buffered_plus_inflight} / ${r.slow_broker.bound} |`,
    `| cold start to first publish, in process (ms) | ${r.cold_start.in_process_ms} |`,
    `| cold start to first publish, new process: ${r.cold_start.child_process_entry} (ms) | ${r.cold_start.child_process_ms} |`,
  ].join('\n');
  return `${throughput}\n\n${ratios}\n\n${other}\n`;
}

const file = process.argv[2];
if (file !== undefined) {
  process.stdout.write(
    renderTables(BenchReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')))),
  );
}
