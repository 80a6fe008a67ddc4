using GraphQL.Types;
using OpenLedger.GraphQL.Scalars;
using OpenLedger.GraphQL.Transport;

namespace OpenLedger.GraphQL.Attribution;

/// <summary>An attribution record as stored: the hash settled on chain and the bytes that hash to it.</summary>
public sealed class AttributionRecordType : ObjectGraphType<InferenceAttribution>
{
    public AttributionRecordType()
    {
        Name = "AttributionRecord";
        Description = "An attribution record in the content store: keccak256 of its bytes is the record hash SettleAttribution put on chain.";
        Field<NonNullGraphType<HashGraphType>>("hash").Resolve(c => c.Source.Record);
        Field<NonNullGraphType<StringGraphType>>("json").Description("The canonical JSON, exactly the stored bytes: hash them to check the record.")
            .Resolve(c =>
            {
                c.ChargeResponseBytes(c.Source.Json.Length);
                return c.Source.Json;
            });
    }
}
