using System.Text;

namespace LogSidecar.Injector.Certificates;

/// <summary>
/// Writes the serving chain and key to the files <see cref="Hosting.CertificateStore"/> serves from. Each file is
/// replaced by a rename, so a reader never sees half a file; the store may see a new key with the old
/// certificate for a moment, fails to load that pair, keeps the previous certificate and loads the pair once
/// the certificate is renamed too. Files that already hold the same text are left alone (no needless reload).
/// </summary>
internal sealed class TlsFileWriter
{
    private readonly string _certFile;
    private readonly string _keyFile;

    public TlsFileWriter(string certFile, string keyFile)
    {
        _certFile = certFile;
        _keyFile = keyFile;
    }

    /// <summary>True when a file changed; null and <paramref name="error"/> when they could not be written.</summary>
    public bool? Write(TlsMaterial material, out string? error)
    {
        try
        {
            var keyChanged = Replace(_keyFile, material.PrivateKeyPem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var certChanged = Replace(_certFile, material.CertificateChainPem, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            error = null;
            return keyChanged || certChanged;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot write {_certFile} and {_keyFile}: {e.Message}; tlsCertFile and tlsKeyFile must be in a writable folder (an emptyDir) when selfSigned.enabled is true";
            return null;
        }
    }

    private static bool Replace(string path, string text, UnixFileMode mode)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return false;
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // The key must not be readable by other users of the node, not even for the instant before the rename.
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return true;
    }
}
