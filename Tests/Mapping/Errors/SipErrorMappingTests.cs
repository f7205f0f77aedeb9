using Bridge.Mapping.Errors;

namespace Bridge.Tests.Mapping.Errors;

[TestClass]
public sealed class SipErrorMappingTests
{
    // RFC 7247 §7.2, one row each.
    [TestMethod]
    [DataRow(300, DeliveryFailure.Redirect)]
    [DataRow(301, DeliveryFailure.Gone)]
    [DataRow(302, DeliveryFailure.Redirect)]
    [DataRow(305, DeliveryFailure.Redirect)]
    [DataRow(380, DeliveryFailure.Redirect)]
    [DataRow(400, DeliveryFailure.BadRequest)]
    [DataRow(401, DeliveryFailure.NotAuthorized)]
    [DataRow(402, DeliveryFailure.BadRequest)]
    [DataRow(403, DeliveryFailure.Forbidden)]
    [DataRow(404, DeliveryFailure.ItemNotFound)]
    [DataRow(405, DeliveryFailure.FeatureNotImplemented)]
    [DataRow(406, DeliveryFailure.NotAcceptable)]
    [DataRow(407, DeliveryFailure.NotAuthorized)]
    [DataRow(408, DeliveryFailure.RemoteServerTimeout)]
    [DataRow(410, DeliveryFailure.Gone)]
    [DataRow(413, DeliveryFailure.PolicyViolation)]
    [DataRow(414, DeliveryFailure.PolicyViolation)]
    [DataRow(415, DeliveryFailure.NotAcceptable)]
    [DataRow(416, DeliveryFailure.AddressMalformed)]
    [DataRow(420, DeliveryFailure.FeatureNotImplemented)]
    [DataRow(421, DeliveryFailure.NotAcceptable)]
    [DataRow(423, DeliveryFailure.ResourceConstraint)]
    [DataRow(430, DeliveryFailure.RecipientUnavailable)]
    [DataRow(480, DeliveryFailure.RecipientUnavailable)]
    [DataRow(481, DeliveryFailure.ItemNotFound)]
    [DataRow(482, DeliveryFailure.NotAcceptable)]
    [DataRow(483, DeliveryFailure.NotAcceptable)]
    [DataRow(484, DeliveryFailure.ItemNotFound)]
    [DataRow(485, DeliveryFailure.ItemNotFound)]
    [DataRow(486, DeliveryFailure.RecipientUnavailable)]
    [DataRow(487, DeliveryFailure.ServiceUnavailable)]
    [DataRow(488, DeliveryFailure.NotAcceptable)]
    [DataRow(489, DeliveryFailure.PolicyViolation)]
    [DataRow(491, DeliveryFailure.UnexpectedRequest)]
    [DataRow(493, DeliveryFailure.ServiceUnavailable)]
    [DataRow(500, DeliveryFailure.InternalServerError)]
    [DataRow(501, DeliveryFailure.FeatureNotImplemented)]
    [DataRow(502, DeliveryFailure.RemoteServerNotFound)]
    [DataRow(503, DeliveryFailure.ServiceUnavailable)]
    [DataRow(504, DeliveryFailure.RemoteServerTimeout)]
    [DataRow(505, DeliveryFailure.NotAcceptable)]
    [DataRow(513, DeliveryFailure.PolicyViolation)]
    [DataRow(600, DeliveryFailure.ServiceUnavailable)]
    [DataRow(603, DeliveryFailure.ServiceUnavailable)]
    [DataRow(604, DeliveryFailure.ItemNotFound)]
    [DataRow(606, DeliveryFailure.NotAcceptable)]
    public void FromSipStatus_table(int status, DeliveryFailure expected)
    {
        Assert.AreEqual(expected, SipErrorMapping.FromSipStatus(status));
    }

    // Unlisted codes act as the x00 of their class (RFC 3261 §8.1.3.2).
    [TestMethod]
    [DataRow(399, DeliveryFailure.Redirect)]
    [DataRow(303, DeliveryFailure.Redirect)]
    [DataRow(409, DeliveryFailure.BadRequest)]
    [DataRow(422, DeliveryFailure.BadRequest)]
    [DataRow(499, DeliveryFailure.BadRequest)]
    [DataRow(555, DeliveryFailure.InternalServerError)]
    [DataRow(580, DeliveryFailure.InternalServerError)]
    [DataRow(607, DeliveryFailure.ServiceUnavailable)]
    [DataRow(699, DeliveryFailure.ServiceUnavailable)]
    public void FromSipStatus_class_defaults(int status, DeliveryFailure expected)
    {
        Assert.AreEqual(expected, SipErrorMapping.FromSipStatus(status));
    }

    [TestMethod]
    [DataRow(100)]
    [DataRow(200)]
    [DataRow(202)]
    [DataRow(299)]
    [DataRow(700)]
    [DataRow(0)]
    [DataRow(-1)]
    public void FromSipStatus_non_failures_are_undefined(int status)
    {
        Assert.AreEqual(DeliveryFailure.UndefinedCondition, SipErrorMapping.FromSipStatus(status));
    }

    // RFC 7247 §7.1, one row each.
    [TestMethod]
    [DataRow(DeliveryFailure.BadRequest, 400)]
    [DataRow(DeliveryFailure.Conflict, 400)]
    [DataRow(DeliveryFailure.FeatureNotImplemented, 405)]
    [DataRow(DeliveryFailure.Forbidden, 403)]
    [DataRow(DeliveryFailure.Gone, 410)]
    [DataRow(DeliveryFailure.InternalServerError, 500)]
    [DataRow(DeliveryFailure.ItemNotFound, 404)]
    [DataRow(DeliveryFailure.AddressMalformed, 484)]
    [DataRow(DeliveryFailure.NotAcceptable, 406)]
    [DataRow(DeliveryFailure.NotAllowed, 405)]
    [DataRow(DeliveryFailure.NotAuthorized, 401)]
    [DataRow(DeliveryFailure.PolicyViolation, 403)]
    [DataRow(DeliveryFailure.RecipientUnavailable, 480)]
    [DataRow(DeliveryFailure.Redirect, 302)]
    [DataRow(DeliveryFailure.RegistrationRequired, 407)]
    [DataRow(DeliveryFailure.RemoteServerNotFound, 404)]
    [DataRow(DeliveryFailure.RemoteServerTimeout, 408)]
    [DataRow(DeliveryFailure.ResourceConstraint, 500)]
    [DataRow(DeliveryFailure.ServiceUnavailable, 503)]
    [DataRow(DeliveryFailure.SubscriptionRequired, 400)]
    [DataRow(DeliveryFailure.UndefinedCondition, 400)]
    [DataRow(DeliveryFailure.UnexpectedRequest, 491)]
    public void ToSipStatus_table(DeliveryFailure failure, int expected)
    {
        Assert.AreEqual(expected, SipErrorMapping.ToSipStatus(failure));
    }

    [TestMethod]
    public void Every_condition_maps_to_a_sip_failure_code()
    {
        foreach (var failure in Enum.GetValues<DeliveryFailure>())
        {
            var status = SipErrorMapping.ToSipStatus(failure);
            Assert.IsTrue(status is >= 300 and <= 699, $"{failure} -> {status}");
        }

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => SipErrorMapping.ToSipStatus((DeliveryFailure)999));
    }

    [TestMethod]
    public void DeliveryResult_helpers()
    {
        Assert.IsTrue(DeliveryResult.Ok.Delivered);
        Assert.IsNull(DeliveryResult.Ok.Error);
        var fail = DeliveryResult.Fail(DeliveryFailure.RecipientUnavailable, "offline", 480);
        Assert.IsFalse(fail.Delivered);
        Assert.AreEqual(new DeliveryError(DeliveryFailure.RecipientUnavailable, "offline", 480, IsPolicyRefusal: false), fail.Error);
    }
}
