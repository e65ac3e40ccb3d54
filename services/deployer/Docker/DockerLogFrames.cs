using System.Buffers.Binary;
using System.Text;

namespace ExApps.Deployer.Docker;

/// <summary>Decodes the log stream of a container without a TTY: frames of an 8-byte header (stream type, three
/// zero bytes, big-endian payload length) followed by the payload.</summary>
public static class DockerLogFrames
{
    private const int HeaderLength = 8;

    public static string Demultiplex(ReadOnlySpan<byte> data)
    {
        var payload = new List<byte>(data.Length);
        while (data.Length >= HeaderLength)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..HeaderLength]);
            data = data[HeaderLength..];
            var take = Math.Min(length, data.Length); // a truncated last frame still shows what arrived
            payload.AddRange(data[..take]);
            data = data[take..];
        }
        // Decoding once keeps multi-byte characters that straddle frames intact.
        return Encoding.UTF8.GetString(payload.ToArray());
    }

    public static string Raw(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);
}
