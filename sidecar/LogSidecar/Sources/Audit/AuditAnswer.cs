namespace LogSidecar.Sources.Audit;

/// <summary>The endpoint's answer to one request; <see cref="Close"/> when the connection cannot carry another request.</summary>
internal sealed record AuditAnswer(int Code, string Message, bool Close = false)
{
    public static string Reason(int code) => code switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
}
