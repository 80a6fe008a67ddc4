using System.Text;
using OpenLedger.Core.Errors;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>The content formats of the three task kinds: what each accepts, what it refuses (always with
/// <see cref="ErrorCode.InvalidTaskExample"/>, never an exception), the Format → TryParse round trip, and a fuzz test
/// over random bytes and mutated valid JSON.</summary>
public class TaskExampleFormatTests
{
    private static (LedgerError Error, TaskExample? Example) Parse(TaskKind task, string content) => Parse(task, Encoding.UTF8.GetBytes(content));

    private static (LedgerError Error, TaskExample? Example) Parse(TaskKind task, byte[] content)
    {
        var error = TaskExampleFormat.TryParse(task, content, out var example);
        return (error, example);
    }

    private static void AssertRefused(TaskKind task, byte[] content)
    {
        var (error, example) = Parse(task, content);
        Assert.True(error.IsError, $"{task}: accepted {Convert.ToHexString(content)}");
        Assert.Equal(ErrorCode.InvalidTaskExample, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Null(example);
    }

    private static void AssertRefused(TaskKind task, string content) => AssertRefused(task, Encoding.UTF8.GetBytes(content));

    // ---- text ----

    [Theory]
    [InlineData("hello world")]
    [InlineData("  leading and trailing spaces are kept  ")]
    [InlineData("line one\nline two")]
    [InlineData("{\"text\": \"json is just text here\"}")]
    [InlineData("ünïcödé ✓ 日本語 😀")]
    public void Text_accepts_any_non_blank_UTF8_and_keeps_it_whole_as_the_output(string content)
    {
        var (error, example) = Parse(TaskKind.Text, content);
        Assert.False(error.IsError, error.ToString());
        Assert.Equal(new TaskExample("", content), example);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n\t \r\n")]
    [InlineData("\u00a0\u2003")]   // non-breaking and em spaces are whitespace too
    public void Text_refuses_empty_and_whitespace(string content) => AssertRefused(TaskKind.Text, content);

    public static TheoryData<byte[]> InvalidUtf8 => new()
    {
        new byte[] { 0xFF },
        new byte[] { 0x61, 0x62, 0xC3 },             // truncated two-byte sequence
        new byte[] { 0xC0, 0xAF },                   // overlong '/'
        new byte[] { 0xED, 0xA0, 0x80 },             // an encoded surrogate (U+D800)
        new byte[] { 0xF4, 0x90, 0x80, 0x80 },       // beyond U+10FFFF
        new byte[] { 0x68, 0x69, 0x80, 0x68, 0x69 }, // stray continuation byte
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Every_format_refuses_invalid_UTF8(byte[] content)
    {
        foreach (var task in new[] { TaskKind.Text, TaskKind.PromptCompletion, TaskKind.TextLabel })
            AssertRefused(task, content);
    }

    [Fact]
    public void Invalid_UTF8_inside_a_JSON_string_is_refused()
    {
        var content = Encoding.UTF8.GetBytes("{\"text\": \"ab\", \"label\": \"x\"}");
        content[11] = 0xFF;   // the 'b' of "ab"
        AssertRefused(TaskKind.TextLabel, content);
    }

    // ---- prompt-completion and text-label ----

    public static TheoryData<TaskKind, string, string> Pairs => new()
    {
        { TaskKind.PromptCompletion, "prompt", "completion" },
        { TaskKind.TextLabel, "text", "label" },
    };

    [Fact]
    public void Prompt_completion_reads_its_two_strings()
    {
        var (error, example) = Parse(TaskKind.PromptCompletion, "{\"prompt\": \"2 + 2 =\", \"completion\": \"4\"}");
        Assert.False(error.IsError, error.ToString());
        Assert.Equal(new TaskExample("2 + 2 =", "4"), example);
    }

    [Fact]
    public void Text_label_reads_its_two_strings_in_either_order_with_escapes_decoded()
    {
        var (error, example) = Parse(TaskKind.TextLabel, "  {\"label\":\"noun.animal\",\n \"text\":\"a \\\"dog\\\"\\nbarks \\u00e9\\ud83d\\ude00\"}  ");
        Assert.False(error.IsError, error.ToString());
        Assert.Equal(new TaskExample("a \"dog\"\nbarks é😀", "noun.animal"), example);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Blank_or_missing_members_are_refused(TaskKind task, string input, string output)
    {
        AssertRefused(task, $"{{\"{input}\": \"\", \"{output}\": \"x\"}}");
        AssertRefused(task, $"{{\"{input}\": \"x\", \"{output}\": \"\"}}");
        AssertRefused(task, $"{{\"{input}\": \" \\t\\n \", \"{output}\": \"x\"}}");
        AssertRefused(task, $"{{\"{input}\": \"x\", \"{output}\": \"   \"}}");
        AssertRefused(task, $"{{\"{input}\": \"x\"}}");
        AssertRefused(task, $"{{\"{output}\": \"x\"}}");
        AssertRefused(task, "{}");
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Extra_repeated_and_misspelled_members_are_refused(TaskKind task, string input, string output)
    {
        AssertRefused(task, $"{{\"{input}\": \"a\", \"{output}\": \"b\", \"note\": \"c\"}}");
        AssertRefused(task, $"{{\"{input}\": \"a\", \"{output}\": \"b\", \"{output}\": \"c\"}}");
        AssertRefused(task, $"{{\"{input}\": \"a\", \"{input}\": \"a\", \"{output}\": \"b\"}}");
        AssertRefused(task, $"{{\"{input}\": \"a\", \"{output}s\": \"b\"}}");
        AssertRefused(task, $"{{\"{input.ToUpperInvariant()}\": \"a\", \"{output}\": \"b\"}}");   // names are case-sensitive
        AssertRefused(task, $"{{\" {input}\": \"a\", \"{output}\": \"b\"}}");
        AssertRefused(task, $"{{\"{input}\": \"a\", \"\": \"b\"}}");
        // The other format's member names.
        var (otherInput, otherOutput) = task == TaskKind.TextLabel ? ("prompt", "completion") : ("text", "label");
        AssertRefused(task, $"{{\"{otherInput}\": \"a\", \"{otherOutput}\": \"b\"}}");
    }

    [Fact]
    public void A_misspelled_label_is_refused_rather_than_trained_on_as_empty() =>
        AssertRefused(TaskKind.TextLabel, "{\"text\": \"a dog\", \"lable\": \"noun.animal\"}");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Non_objects_and_malformed_JSON_are_refused(TaskKind task, string input, string output)
    {
        foreach (var content in new[]
                 {
                     "", " ", "null", "true", "42", "\"a string\"", $"[\"{input}\", \"{output}\"]",
                     $"[{{\"{input}\": \"a\", \"{output}\": \"b\"}}]",
                     $"{{\"{input}\": \"a\", \"{output}\": \"b\"",                 // unterminated
                     $"{{\"{input}\": \"a\", \"{output}\": \"b\",}}",              // trailing comma
                     $"{{\"{input}\": \"a\" \"{output}\": \"b\"}}",                // missing comma
                     $"{{'{input}': 'a', '{output}': 'b'}}",                       // single quotes
                     $"{{{input}: \"a\", {output}: \"b\"}}",                       // bare names
                     $"/* c */ {{\"{input}\": \"a\", \"{output}\": \"b\"}}",       // comments
                     $"{{\"{input}\": \"a\", \"{output}\": \"b\"}} {{}}",          // two documents
                     $"{{\"{input}\": \"a\", \"{output}\": \"b\"}} x",             // trailing garbage
                     $"{{\"{input}\": \"a\\x\", \"{output}\": \"b\"}}",            // bad escape
                     $"{{\"{input}\": \"a\tb\", \"{output}\": \"b\"}}",            // raw control character
                 })
            AssertRefused(task, content);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Non_string_values_are_refused(TaskKind task, string input, string output)
    {
        foreach (var value in new[] { "1", "1.5", "true", "false", "null", "[]", "[\"a\"]", "{}", "{\"x\": \"y\"}", "[[[[[[[[\"deep\"]]]]]]]]" })
        {
            AssertRefused(task, $"{{\"{input}\": {value}, \"{output}\": \"b\"}}");
            AssertRefused(task, $"{{\"{input}\": \"a\", \"{output}\": {value}}}");
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Lone_surrogate_escapes_are_refused_without_an_exception(TaskKind task, string input, string output)
    {
        foreach (var bad in new[] { "\\ud800", "x\\udc00y", "\\ud83d", "\\ude00\\ud83d", "a\\ud800\\u0041" })
        {
            AssertRefused(task, $"{{\"{input}\": \"{bad}\", \"{output}\": \"b\"}}");
            AssertRefused(task, $"{{\"{input}\": \"a\", \"{output}\": \"{bad}\"}}");
        }
    }

    [Fact]
    public void A_label_of_64_UTF8_bytes_is_accepted_and_one_of_65_refused()
    {
        Assert.Equal(64, TaskExampleFormat.MaxLabelBytes);
        string Content(string label) => $"{{\"text\": \"t\", \"label\": \"{label}\"}}";

        Assert.False(Parse(TaskKind.TextLabel, Content(new string('a', 64))).Error.IsError);
        AssertRefused(TaskKind.TextLabel, Content(new string('a', 65)));
        // Counted in UTF-8 bytes, not characters: 32 × 'é' is 64 bytes, 33 is 66; 16 × 😀 is 64 bytes.
        Assert.False(Parse(TaskKind.TextLabel, Content(new string('é', 32))).Error.IsError);
        AssertRefused(TaskKind.TextLabel, Content(new string('é', 33)));
        Assert.False(Parse(TaskKind.TextLabel, Content(string.Concat(Enumerable.Repeat("😀", 16)))).Error.IsError);
        AssertRefused(TaskKind.TextLabel, Content(string.Concat(Enumerable.Repeat("😀", 16)) + "a"));
        // Escaped in the JSON, the label is measured decoded: 64 × \u0061 is 64 bytes.
        Assert.False(Parse(TaskKind.TextLabel, Content(string.Concat(Enumerable.Repeat("\\u0061", 64)))).Error.IsError);

        // Prompt-completion has no such limit, nor does the text of a text-label example.
        Assert.False(Parse(TaskKind.PromptCompletion, $"{{\"prompt\": \"p\", \"completion\": \"{new string('a', 5000)}\"}}").Error.IsError);
        Assert.False(Parse(TaskKind.TextLabel, $"{{\"text\": \"{new string('a', 5000)}\", \"label\": \"l\"}}").Error.IsError);
    }

    [Fact]
    public void An_unknown_task_kind_is_refused()
    {
        AssertRefused((TaskKind)0, "hello");
        AssertRefused((TaskKind)99, "{\"text\": \"a\", \"label\": \"b\"}");
    }

    // ---- round trip ----

    public static TheoryData<TaskKind, string, string> RoundTrips => new()
    {
        { TaskKind.Text, "", "plain text" },
        { TaskKind.Text, "", "  spaces, \"quotes\", \\backslashes\\, newlines\n and ünïcödé 😀  " },
        { TaskKind.PromptCompletion, "Translate: chat", "cat" },
        { TaskKind.PromptCompletion, "a \"quoted\"\n\tprompt </script> & <b>", "a completion with \\ and \u2028 and 😀" },
        { TaskKind.TextLabel, "dog, domestic dog: a member of the genus Canis", "noun.animal" },
        { TaskKind.TextLabel, "日本語のテキスト", "ラベル" },
        { TaskKind.TextLabel, "sixty-four bytes exactly", new string('z', 64) },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void Format_then_TryParse_gives_the_example_back(TaskKind task, string input, string output)
    {
        var example = new TaskExample(input, output);
        var content = TaskExampleFormat.Format(task, example);
        var (error, parsed) = Parse(task, content);
        Assert.False(error.IsError, error.ToString());
        Assert.Equal(example, parsed);
        // And formatting what was parsed gives the same bytes.
        Assert.Equal(content, TaskExampleFormat.Format(task, parsed!));
    }

    [Fact]
    public void Random_examples_round_trip()
    {
        var random = new Random(20261128);
        for (var i = 0; i < 500; i++)
        {
            var input = RandomText(random, 1, 40);
            var output = RandomText(random, 1, 16);
            foreach (var task in new[] { TaskKind.PromptCompletion, TaskKind.TextLabel })
            {
                var example = new TaskExample(input, output);
                var (error, parsed) = Parse(task, TaskExampleFormat.Format(task, example));
                Assert.False(error.IsError, $"{task} {input} / {output}: {error}");
                Assert.Equal(example, parsed);
            }
            var (textError, text) = Parse(TaskKind.Text, TaskExampleFormat.Format(TaskKind.Text, new TaskExample("", input)));
            Assert.False(textError.IsError, textError.ToString());
            Assert.Equal(new TaskExample("", input), text);
        }
    }

    // ---- fuzz ----

    private const string JsonIsh = " {}[]\":,\\abcdeltxu0123456789-.+";

    [Fact]
    public void Random_bytes_never_throw_and_either_parse_or_are_refused_as_invalid()
    {
        var random = new Random(1717);
        var accepted = 0;
        for (var i = 0; i < 3000; i++)
        {
            var content = new byte[random.Next(0, 64)];
            random.NextBytes(content);
            // Bias some cases toward ASCII and JSON-ish bytes so they get past the UTF-8 check.
            if (i % 3 == 0) for (var j = 0; j < content.Length; j++) content[j] = (byte)JsonIsh[content[j] % JsonIsh.Length];
            foreach (var task in new[] { TaskKind.Text, TaskKind.PromptCompletion, TaskKind.TextLabel })
                if (CheckOutcome(task, content)) accepted++;
        }
        Assert.True(accepted > 0);   // some ASCII cases pass as text
    }

    [Fact]
    public void Mutations_of_valid_JSON_never_throw_and_either_parse_or_are_refused_as_invalid()
    {
        var random = new Random(4242);
        var seeds = new (TaskKind Task, byte[] Content)[]
        {
            (TaskKind.TextLabel, Encoding.UTF8.GetBytes("{\"text\": \"a dog barks \\u00e9 \\ud83d\\ude00\", \"label\": \"noun.animal\"}")),
            (TaskKind.TextLabel, TaskExampleFormat.Format(TaskKind.TextLabel, new TaskExample("ünïcödé 😀 text", "adj.all"))),
            (TaskKind.PromptCompletion, Encoding.UTF8.GetBytes("{\"prompt\":\"2 + 2 =\",\"completion\":\"4\"}")),
            (TaskKind.PromptCompletion, TaskExampleFormat.Format(TaskKind.PromptCompletion, new TaskExample("say \"hi\"\n", "hi \\ there"))),
        };
        const string Interesting = "{}[]\":,\\ \t\nabeltxu0dD8cCfF9-1e.nrs\u00e9";
        int accepted = 0, refused = 0;
        for (var i = 0; i < 4000; i++)
        {
            var (task, original) = seeds[i % seeds.Length];
            var content = new List<byte>(original);
            var mutations = 1 + random.Next(4);
            for (var m = 0; m < mutations && content.Count > 0; m++)
            {
                var at = random.Next(content.Count);
                switch (random.Next(6))
                {
                    case 0: content[at] = (byte)random.Next(256); break;                                   // any byte
                    case 1: content[at] = (byte)Interesting[random.Next(Interesting.Length)]; break;      // a JSON-ish byte
                    case 2: content.RemoveAt(at); break;
                    case 3: content.Insert(at, (byte)Interesting[random.Next(Interesting.Length)]); break;
                    case 4: content.RemoveRange(at, Math.Min(content.Count - at, 1 + random.Next(6))); break;
                    case 5:                                                                                 // duplicate a slice
                        var length = Math.Min(content.Count - at, 1 + random.Next(12));
                        content.InsertRange(random.Next(content.Count + 1), content.GetRange(at, length));
                        break;
                }
            }
            var bytes = content.ToArray();
            if (CheckOutcome(task, bytes)) accepted++; else refused++;
            // The other JSON format must refuse it or parse it consistently too; text must not throw either.
            CheckOutcome(task == TaskKind.TextLabel ? TaskKind.PromptCompletion : TaskKind.TextLabel, bytes);
            CheckOutcome(TaskKind.Text, bytes);
        }
        Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}");
    }

    /// <summary>TryParse does not throw; it either accepts (an example with non-blank strings, a short label, and
    /// whose formatting parses back to it) or refuses with InvalidTaskExample and no example. True when accepted.</summary>
    private static bool CheckOutcome(TaskKind task, byte[] content)
    {
        LedgerError error;
        TaskExample? example;
        try
        {
            error = TaskExampleFormat.TryParse(task, content, out example);
        }
        catch (Exception e)
        {
            Assert.Fail($"{task}: TryParse threw {e.GetType().Name} ({e.Message}) on {Convert.ToHexString(content)}");
            throw;
        }
        if (error.IsError)
        {
            Assert.Equal(ErrorCode.InvalidTaskExample, error.Code);
            Assert.Null(example);
            return false;
        }
        Assert.NotNull(example);
        Assert.False(string.IsNullOrWhiteSpace(example.Output));
        if (task != TaskKind.Text) Assert.False(string.IsNullOrWhiteSpace(example.Input));
        if (task == TaskKind.TextLabel) Assert.True(Encoding.UTF8.GetByteCount(example.Output) <= TaskExampleFormat.MaxLabelBytes);
        var again = TaskExampleFormat.TryParse(task, TaskExampleFormat.Format(task, example), out var reparsed);
        Assert.False(again.IsError, again.ToString());
        Assert.Equal(example, reparsed);
        return true;
    }

    private static string RandomText(Random random, int minLength, int maxLength)
    {
        const string Alphabet = "abcdefghij XYZ 0189 \"\\/\n\t.,:;{}[]éü日本😀\u2028<>&'";
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(Alphabet);
        var pieces = new List<string>();
        while (elements.MoveNext()) pieces.Add((string)elements.Current);
        while (true)
        {
            var builder = new StringBuilder();
            var length = random.Next(minLength, maxLength + 1);
            for (var i = 0; i < length; i++) builder.Append(pieces[random.Next(pieces.Count)]);
            var text = builder.ToString();
            if (!string.IsNullOrWhiteSpace(text) && Encoding.UTF8.GetByteCount(text) <= TaskExampleFormat.MaxLabelBytes) return text;
        }
    }
}
