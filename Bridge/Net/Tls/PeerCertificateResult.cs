namespace Bridge.Net.Tls;

/// <summary>The verdict on a peer's certificate for one domain; <see cref="Reason"/> is for the log line.</summary>
public sealed record PeerCertificateResult(bool IsValid, string Reason)
{
    public static PeerCertificateResult Valid(string how) => new(true, how);

    public static PeerCertificateResult Invalid(string why) => new(false, why);
}
