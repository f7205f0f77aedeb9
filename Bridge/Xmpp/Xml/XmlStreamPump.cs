using System.Buffers;
using System.IO.Pipelines;

namespace Bridge.Xmpp.Xml;

/// <summary>Drives an <see cref="XmlStreamReader"/> from a pipe: the caller-advances-the-pipe loop, raising events.</summary>
public static class XmlStreamPump
{
    /// <summary>
    /// Reads events off <paramref name="input"/> until the stream ends, fails or the transport closes.
    /// The handler is awaited per event, so a slow handler applies back-pressure to the peer.
    /// </summary>
    public static async Task RunAsync(this XmlStreamReader reader, PipeReader input, IXmlStreamHandler handler, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(handler);
        while (true)
        {
            var result = await input.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            var finished = false;
            try
            {
                while (!finished && reader.TryRead(ref buffer, out var ev))
                {
                    switch (ev!.Kind)
                    {
                        case XmlStreamEventKind.StreamStart:
                            await handler.OnStreamStartAsync(ev.Header!).ConfigureAwait(false);
                            break;
                        case XmlStreamEventKind.Element:
                            await handler.OnElementAsync(ev.Element!).ConfigureAwait(false);
                            break;
                        case XmlStreamEventKind.StreamEnd:
                            await handler.OnStreamEndAsync().ConfigureAwait(false);
                            finished = true;
                            break;
                        case XmlStreamEventKind.Error:
                            await handler.OnErrorAsync(ev.ErrorCondition!, ev.ErrorText ?? "").ConfigureAwait(false);
                            finished = true;
                            break;
                    }
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (finished)
            {
                return;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                await handler.OnClosedAsync().ConfigureAwait(false);
                return;
            }
        }
    }
}
