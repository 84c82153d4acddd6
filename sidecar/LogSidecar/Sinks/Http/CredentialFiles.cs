using System.Net.Http.Headers;
using System.Text;

namespace LogSidecar.Sinks.Http;

/// <summary>
/// Backend credentials from files in a mounted Secret: <c>username</c> + <c>password</c> (Basic),
/// <c>api-key</c> (Elasticsearch ApiKey) or <c>token</c> (Bearer). The files are read again every
/// <see cref="RefreshInterval"/> and after a 401/403, so a rotated Secret is picked up without a
/// restart. Values never reach a log line or the environment.
/// </summary>
internal sealed class CredentialFiles(string? directory, TimeProvider time)
{
    public const string UsernameFile = "username";
    public const string PasswordFile = "password";
    public const string ApiKeyFile = "api-key";
    public const string TokenFile = "token";

    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private AuthenticationHeaderValue? _header;
    private long _readAt = long.MinValue;

    /// <summary>Why no credentials were found in the directory, when it has none of the files; else null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The Authorization header to send, or null when there is no directory or no usable file in it.</summary>
    public AuthenticationHeaderValue? Header
    {
        get
        {
            if (directory is not null && (_readAt == long.MinValue || time.GetElapsedTime(_readAt) >= RefreshInterval))
            {
                _header = Read(directory);
                _readAt = time.GetTimestamp();
            }

            return _header;
        }
    }

    /// <summary>The backend refused them: read the files again at the next request.</summary>
    public void Invalidate() => _readAt = long.MinValue;

    private AuthenticationHeaderValue? Read(string dir)
    {
        Problem = null;
        if (ReadValue(dir, TokenFile) is { } token)
        {
            return new AuthenticationHeaderValue("Bearer", token);
        }

        if (ReadValue(dir, ApiKeyFile) is { } apiKey)
        {
            return new AuthenticationHeaderValue("ApiKey", apiKey);
        }

        if (ReadValue(dir, UsernameFile) is { } user && ReadValue(dir, PasswordFile) is { } password)
        {
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        Problem = $"{dir} holds none of: {TokenFile}, {ApiKeyFile}, {UsernameFile} + {PasswordFile}; requests go without credentials. Check the Secret's keys";
        return null;
    }

    // Secrets often end with a newline (echo, kubectl create secret --from-file): trim it.
    private static string? ReadValue(string dir, string name)
    {
        try
        {
            var value = File.ReadAllText(Path.Combine(dir, name)).Trim();
            return value.Length > 0 ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
