import { type ChangeEvent, useState } from 'react';
import { formatBytes } from '../../../shared/format';
import { Field } from '../../../shared/ui';

/**
 * A kubeconfig file, read in the browser and handed up as text. Only its name and size are shown:
 * the API seals it and never returns it, and the page does not show it either.
 */
export function KubeconfigInput({ id, problem, onRead }: { id: string; problem?: string; onRead(kubeconfig: string | null): void }) {
  const [picked, setPicked] = useState<{ name: string; size: number } | null>(null);
  const [unreadable, setUnreadable] = useState<string | null>(null);

  const read = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setUnreadable(null);
    if (!file) {
      setPicked(null);
      onRead(null);
      return;
    }
    file.text().then(
      (text) => {
        setPicked({ name: file.name, size: file.size });
        onRead(text);
      },
      () => {
        setPicked(null);
        onRead(null);
        setUnreadable(`${file.name} could not be read.`);
      },
    );
  };

  return (
    <Field
      label="Kubeconfig file"
      htmlFor={id}
      problem={problem ?? unreadable ?? undefined}
      hint={
        picked
          ? `${picked.name} (${formatBytes(picked.size)}) will be stored encrypted; nobody can read it back.`
          : 'Stored encrypted, never shown again.'
      }
    >
      <input id={id} type="file" accept=".yaml,.yml,.conf,.config,text/yaml,application/yaml" onChange={read} />
    </Field>
  );
}
