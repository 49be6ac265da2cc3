export interface StreamEvent {
  event: string;
  data: string;
}

/**
 * Reads server-sent events from an open stream, handing each named event to `onEvent` until it answers
 * true or the server ends the stream; a field given on several lines (data) is joined by newlines.
 */
export async function readEvents(res: Response, onEvent: (e: StreamEvent) => boolean): Promise<void> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .filter((line) => line.startsWith(`${name}: `))
            .map((line) => line.slice(name.length + 2))
            .join('\n');
        if (field('event') && onEvent({ event: field('event'), data: field('data') })) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
