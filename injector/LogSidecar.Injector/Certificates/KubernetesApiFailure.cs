using System.Net;
using System.Text.Json;
using k8s.Autorest;

namespace LogSidecar.Injector.Certificates;

/// <summary>A refused or failed Kubernetes API call: HTTP status (0 when the server was not reached) and the Status object's reason.</summary>
internal sealed record KubernetesApiFailure(int StatusCode, string Reason, string Message, string Verb, string Resource, string Target)
{
    public bool IsNotFound => StatusCode == (int)HttpStatusCode.NotFound;

    /// <summary>
    /// The server was not reached, was throttling (429) or failing (5xx): the same call may succeed later, where a 4xx
    /// answer stays until a person changes something.
    /// </summary>
    public bool IsTransient => StatusCode is 0 or (int)HttpStatusCode.TooManyRequests or >= 500;

    /// <summary>409: AlreadyExists on create, Conflict on an update with a stale resourceVersion.</summary>
    public bool IsConflict => StatusCode == (int)HttpStatusCode.Conflict;

    public static KubernetesApiFailure From(HttpOperationException e, string verb, string resource, string target)
    {
        var status = (int)e.Response.StatusCode;
        var reason = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = e.Message;
        try
        {
            // The API server answers errors with a Status object: {"kind":"Status","reason":"Conflict","message":...}.
            using var document = JsonDocument.Parse(e.Response.Content ?? "");
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                reason = document.RootElement.TryGetProperty("reason", out var r) && r.GetString() is { Length: > 0 } rs ? rs : reason;
                message = document.RootElement.TryGetProperty("message", out var m) && m.GetString() is { Length: > 0 } ms ? ms : message;
            }
        }
        catch (JsonException)
        {
            // Not a Status object (a proxy in between, say): the HTTP status and the exception's message remain.
        }

        return new KubernetesApiFailure(status, reason, message, verb, resource, target);
    }

    public static KubernetesApiFailure Unreachable(Exception e, string verb, string resource, string target) =>
        new(0, "Unreachable", e.Message, verb, resource, target);

    /// <summary>What went wrong and what to change, for the operator.</summary>
    public string Explain() => StatusCode switch
    {
        (int)HttpStatusCode.Forbidden =>
            $"the injector's service account may not {Verb} {Resource} ({Target}): grant the '{Verb}' verb on '{Resource}' to it (the ClusterRoles and Roles of manifests/ grant exactly what the injector uses); API server said: {Message}",
        (int)HttpStatusCode.Unauthorized =>
            $"the API server did not accept the service account token when trying to {Verb} {Resource} ({Target}); check automountServiceAccountToken: {Message}",
        (int)HttpStatusCode.NotFound =>
            $"{Resource} {Target} does not exist; create it (or set selfSigned.{(Resource == "mutatingwebhookconfigurations" ? "webhookConfigurationName" : "secretName")} to the right name)",
        0 => $"cannot reach the Kubernetes API server to {Verb} {Resource} ({Target}): {Message}",
        _ => $"{Verb} {Resource} ({Target}) failed: HTTP {StatusCode} {Reason}: {Message}",
    };
}
