using OpenLedger.Tests.Architecture;

namespace OpenLedger.Tests.ReadmeWalk;

/// <summary>How the README test finds its blocks: fences, skip markers and their mistakes; and that the README's
/// runnable blocks walk a model's whole path.</summary>
public sealed class ReadmeBlockTests
{
    [Fact]
    public void Blocks_are_read_in_order_with_their_line_language_and_skip_reason()
    {
        var blocks = ReadmeBlock.Parse("""
            # T

            ```sh
            echo one
            ```

            <!-- readme-test: skip: starts a server -->
            ```sh
            serve
            ```

              ```
              output sample
              ```
            """);
        Assert.Equal([3, 8, 12], blocks.Select(b => b.Line));
        Assert.Equal(["sh", "sh", ""], blocks.Select(b => b.Language));
        Assert.Equal("echo one", blocks[0].Code);
        Assert.True(blocks[0].Runs);
        Assert.False(blocks[1].Runs);
        Assert.Equal("starts a server", blocks[1].SkipReason);
        Assert.False(blocks[2].Runs);
    }

    [Theory]
    [InlineData("<!-- readme-test: skip: reason -->\ntext\n```sh\nx\n```\n", "just before")]
    [InlineData("<!-- readme-test: skip: -->\n```sh\nx\n```\n", "reason")]
    [InlineData("<!-- readme-test: skip: reason\n-->\n```sh\nx\n```\n", "one line")]
    [InlineData("text\n<!-- readme-test: skip: reason -->\n", "no block after")]
    [InlineData("```sh\nnever closed\n", "never closed")]
    public void A_misplaced_or_empty_skip_marker_and_an_unclosed_block_are_errors(string markdown, string message)
    {
        var e = Assert.Throws<FormatException>(() => ReadmeBlock.Parse(markdown));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_READMEs_runnable_blocks_walk_a_model_from_datanet_to_settled_inference_and_rewards()
    {
        var readme = File.ReadAllText(Path.Combine(ProjectReferenceTests.RepositoryRoot(), "README.md"));
        var code = string.Join('\n', ReadmeBlock.Parse(readme).Where(b => b.Runs).Select(b => b.Code));
        foreach (var step in new[] { "openledger datanet create", "openledger contribute", "openledger curate", "openledger publish-version",
                     "openledger train", "openledger model register --dev 4 --job", "openledger infer", "openledger attribution --inference", "openledger rewards" })
            Assert.Contains(step, code);
        Assert.DoesNotContain("0x…", code);
    }
}
