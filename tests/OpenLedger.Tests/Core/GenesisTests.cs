using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;
using OpenLedger.Core.Ledger;

namespace OpenLedger.Tests.Core;

public class GenesisTests
{
    [Fact]
    public void The_shipped_dev_genesis_is_the_documented_one()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "genesis", "dev.json");
        var shipped = GenesisConfig.Parse(File.ReadAllText(path));
        Assert.Equal(DevChain.Genesis().ToJson(), shipped.ToJson());
        var rules = shipped.ToRules();
        Assert.Equal(1717UL, rules.ChainId);
        Assert.True(rules.Dev);
        Assert.Equal(12, rules.InitialBalances.Count); // 10 dev accounts and the two marketplace operators
        // The genesis hash is reproducible from the file alone.
        Assert.Equal(GenesisBlock.Build(rules).Header.Hash, GenesisBlock.Build(GenesisConfig.Parse(shipped.ToJson()).ToRules()).Header.Hash);
    }

    [Fact]
    public void The_dev_genesis_hash_does_not_change()
    {
        Assert.Equal(Hash32.Parse("0xacdd1af5484499394f8149c367f4f4ab7fec0380924feb155dbeec09693c6f39"),
            GenesisBlock.Build(DevChain.Genesis().ToRules()).Header.Hash);
    }

    [Theory]
    [InlineData("chainId", "0", "chainId")]
    [InlineData("producer", "\"0x123\"", "producer")]
    [InlineData("gasPriceFloor", "\"-1\"", "gasPriceFloor")]
    [InlineData("gasSchedule", "{\"Mint\": 1}", "unknown kind")]
    [InlineData("gasSchedule", "{}", "lacks kind")]
    [InlineData("blockIntervalMs", "1", "blockIntervalMs")]
    public void Invalid_genesis_files_are_refused_with_the_reason(string field, string value, string expected)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(DevChain.Genesis().ToJson())!;
        node[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        var e = Assert.Throws<FormatException>(() => GenesisConfig.Parse(node.ToJsonString()).ToRules());
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_genesis_where_a_kind_could_never_fit_in_a_block_is_refused()
    {
        var g = DevChain.Genesis();
        g.MaxBlockGas = 199_999; // SettleAttribution and CreateDatanet cost 200,000
        var e = Assert.Throws<FormatException>(() => g.ToRules());
        Assert.Contains("exceeds maxBlockGas = 199999", e.Message);
        Assert.Contains("could never fit in a block", e.Message);
        g.MaxBlockGas = 200_000;
        Assert.Equal(200_000UL, g.ToRules().MaxBlockGas);
    }

    [Fact]
    public void A_doubly_allocated_address_is_refused()
    {
        var g = DevChain.Genesis();
        var first = g.DevAccounts!.Keys().First().Address.ToString();
        g.Allocations.Add(new Allocation { Address = first, Balance = "1" });
        Assert.Contains("allocated twice", Assert.Throws<FormatException>(() => g.ToRules()).Message);
    }

    [Fact]
    public void A_real_chain_genesis_with_dev_accounts_is_refused()
    {
        var g = DevChain.Genesis();
        g.Dev = false;
        var e = Assert.Throws<FormatException>(() => g.ToRules());
        Assert.Contains("only a dev chain may have them", e.Message);
    }

    [Fact]
    public void The_dev_flag_is_committed_in_the_genesis_hash()
    {
        var dev = DevChain.Genesis();
        dev.DevAccounts = null;
        var real = GenesisConfig.Parse(dev.ToJson());
        real.Dev = false;
        Assert.NotEqual(GenesisBlock.Build(dev.ToRules()).Header.Hash, GenesisBlock.Build(real.ToRules()).Header.Hash);
    }

    [Fact]
    public void A_dev_genesis_names_its_dev_seed_in_the_rules_and_a_real_one_none_and_the_hash_ignores_it()
    {
        var dev = DevChain.Genesis(seed: "a seed", count: 3).ToRules();
        Assert.Equal(("a seed", 3), (dev.DevSeed, dev.DevAccountCount));
        var real = DevChain.Genesis();
        real.DevAccounts = null;
        real.Dev = false;
        var rules = real.ToRules();
        Assert.Equal((null, 0), (rules.DevSeed, rules.DevAccountCount));
        // Where the dev keys come from is not a consensus rule: the allocations they were given are.
        Assert.Equal(dev.Commitment(), (dev with { DevSeed = null, DevAccountCount = 0 }).Commitment());
    }
}
