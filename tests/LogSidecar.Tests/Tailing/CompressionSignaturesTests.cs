using System.IO.Compression;
using LogSidecar.Tailing;

namespace LogSidecar.Tests.Tailing;

public class CompressionSignaturesTests
{
    [Fact]
    public void GzipWrittenByTheBclIsRecognised()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write("line\n"u8);
        }

        Assert.Equal(FileStart.Gzip, CompressionSignatures.Classify(buffer.ToArray()));
    }

    [Theory]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59, 0x00 }, nameof(FileStart.Bzip2))]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x31, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90 }, nameof(FileStart.Bzip2))]
    [InlineData(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00 }, nameof(FileStart.Xz))]
    [InlineData(new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x24 }, nameof(FileStart.Zstd))]
    [InlineData(new byte[] { }, nameof(FileStart.TooShort))]
    [InlineData(new byte[] { 0x1F }, nameof(FileStart.TooShort))]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68 }, nameof(FileStart.TooShort))]
    [InlineData(new byte[] { 0x42, 0x5A, 0x68, 0x39, 0x20, 0x6C, 0x69, 0x6E, 0x65, 0x0A }, nameof(FileStart.Text))]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x00 }, nameof(FileStart.Text))]
    [InlineData(new byte[] { 0x32, 0x30, 0x32, 0x36, 0x2D, 0x31, 0x31 }, nameof(FileStart.Text))]
    public void FirstBytesDecideAndShortPrefixesWait(byte[] start, string expected) =>
        Assert.Equal(expected, CompressionSignatures.Classify(start).ToString());
}
