import type { FlowImportView } from '@bulkhead/contracts';
import { type ChangeEvent, type DragEvent, useRef, useState } from 'react';
import { describeError } from '../../../api/client';
import { formatBytes } from '../../../shared/format';
import { uploadFlows } from '../api';

/** Sends a flow file as the raw body; the import then runs on the worker and its progress is polled. */
export function UploadFlows({ clusterId, onUploaded }: { clusterId: string; onUploaded(view: FlowImportView): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [sending, setSending] = useState<{ name: string; sent: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [over, setOver] = useState(false);

  const send = async (file: File) => {
    setError(null);
    setMessage(null);
    setSending({ name: file.name, sent: 0, total: file.size });
    try {
      const view = await uploadFlows(clusterId, file, (sent, total) => setSending({ name: file.name, sent, total }));
      onUploaded(view);
      setMessage(
        view.duplicateOf
          ? `${file.name}: the same content was imported before; nothing was counted twice.`
          : `${file.name} uploaded; the import runs now.`,
      );
    } catch (err) {
      setError(err);
    } finally {
      setSending(null);
      if (input.current) input.current.value = '';
    }
  };

  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) void send(file);
  };
  const dropped = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files?.[0];
    if (file && !sending) void send(file);
  };

  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={dropped}
    >
      <div>
        <strong>Upload observed traffic</strong>
        <div className="muted small">
          Drop a file here or choose one: <code>hubble observe -o jsonpb</code>, a Calico flow log, an Istio/Envoy access log, AWS VPC Flow
          Logs, Inspektor Gadget <code>trace_tcp</code> or <code>advise networkpolicy</code> output, Otterize ClientIntents, or an edge list
          (<code>from,to,port,protocol</code>).
        </div>
        {sending && (
          <div className="upload-progress" role="status">
            Sending {sending.name}: {formatBytes(sending.sent)} of {formatBytes(sending.total)}
          </div>
        )}
        {message && (
          <div className="saved" role="status">
            {message}
          </div>
        )}
        {error !== null && (
          <div className="field-problem" role="alert">
            The upload failed: {describeError(error)}
          </div>
        )}
      </div>
      <label className={`btn btn-primary${sending ? ' disabled' : ''}`}>
        {sending ? 'Uploading…' : 'Choose a file'}
        <input ref={input} type="file" className="sr-only" onChange={picked} disabled={!!sending} aria-label="Flow file to upload" />
      </label>
    </div>
  );
}
