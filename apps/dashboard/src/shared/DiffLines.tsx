/** YAML lines as the API marks them (`+ ` added, `- ` removed, `  ` unchanged), each coloured by its mark. */
export function DiffLines({ lines }: { lines: readonly string[] }) {
  return (
    <pre className="code code-diff">
      {lines.map((line, i) => (
        <span key={i} className={line.startsWith('+') ? 'line-add' : line.startsWith('-') ? 'line-del' : 'line-ctx'}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
