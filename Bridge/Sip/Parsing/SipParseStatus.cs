namespace Bridge.Sip;

public enum SipParseStatus
{
    Complete,
    NeedMoreData,
    Invalid,
    TooLarge,
}
