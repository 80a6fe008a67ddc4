using System.Globalization;
using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Eip712;
using OpenLedger.Core.Errors;

namespace OpenLedger.Core.ModelFactory;

/// <summary>
/// What every owner-signed Model Factory request shares (<see cref="TrainingAuthorization"/>,
/// <see cref="CancelTrainingAuthorization"/>): the deadline window, the signature recovering to the owner, and the
/// <c>{ domain, types, primaryType, message }</c> payload a wallet signs under the chain's domain. One place, so a
/// new kind of signed request cannot check less than the others.
/// </summary>
public static class OwnerSignedRequest
{
    /// <summary>Null when <paramref name="signature"/> over <paramref name="digest"/> recovers to <paramref name="owner"/>
    /// and <paramref name="deadline"/> is neither past nor more than <see cref="TrainingAuthorization.MaxValidity"/>
    /// ahead of <paramref name="nowSeconds"/>; the refusal otherwise. <paramref name="otherwise"/> ends the message of a
    /// signature by another key (what else it may have been made for).</summary>
    public static (MlErrorCode Code, string Message)? Verify(Hash32 digest, Address owner, ulong deadline, Signature signature, ulong nowSeconds,
        string otherwise)
    {
        var maxSeconds = (ulong)TrainingAuthorization.MaxValidity.TotalSeconds;
        if (deadline <= nowSeconds)
            return (MlErrorCode.SignatureExpired, $"the request's deadline {deadline} has passed (now {nowSeconds}); sign it again");
        if (deadline > nowSeconds + maxSeconds)
            return (MlErrorCode.DeadlineTooFar, $"the request's deadline {deadline} is more than {maxSeconds} s ahead of now ({nowSeconds})");
        if (Secp256k1.TryRecover(digest, signature, out var signer) is not RecoveryFailure.None)
            return (MlErrorCode.TrainingSignatureInvalid, "the signature does not recover to a public key (low-s, v 27 or 28)");
        if (signer != owner)
            return (MlErrorCode.TrainingSignatureInvalid, $"the signature recovers to {signer}, not the owner {owner}: it was made {otherwise}, on another chain, or by another key");
        return null;
    }

    /// <summary>The payload a wallet signs on chain <paramref name="chainId"/>, in the shape of
    /// <see cref="Transactions.TypedDataDocument"/> (integers as decimal strings): <paramref name="fields"/> are the
    /// primary type's (name, type) pairs in order, <paramref name="message"/> their values.</summary>
    public static JsonObject TypedData(ulong chainId, string primaryType, IEnumerable<(string Name, string Type)> fields, JsonObject message)
    {
        var domain = Eip712Domain.ForChain(chainId);
        static JsonObject Field(string name, string type) => new() { ["name"] = name, ["type"] = type };
        return new JsonObject
        {
            ["domain"] = new JsonObject
            {
                ["name"] = domain.Name,
                ["version"] = domain.Version,
                ["chainId"] = chainId.ToString(CultureInfo.InvariantCulture),
            },
            ["types"] = new JsonObject
            {
                ["EIP712Domain"] = new JsonArray(Field("name", "string"), Field("version", "string"), Field("chainId", "uint256")),
                [primaryType] = new JsonArray(fields.Select(f => (JsonNode)Field(f.Name, f.Type)).ToArray()),
            },
            ["primaryType"] = primaryType,
            ["message"] = message,
        };
    }
}
