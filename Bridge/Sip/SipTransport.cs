namespace Bridge.Sip;

public enum SipTransport
{
    Udp,
    Tcp,
    Tls,
}
