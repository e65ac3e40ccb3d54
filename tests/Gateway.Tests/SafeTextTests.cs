using ExApps.Gateway.Ocs;
using ExApps.ServiceDefaults.Security;

namespace ExApps.Gateway.Tests;

/// <summary>The shared value rules (ServiceDefaults/Security/SafeText.cs) and the ExApp OCS input rules.</summary>
public sealed class SafeTextTests
{
    [Theory]
    [InlineData("1.0.0", true)]
    [InlineData("2.0.0-beta.1+build.5", true)]
    [InlineData("v1.2", true)]
    [InlineData("1.0.0\r\nX-A: 1", false)]
    [InlineData("1.0.0 ", false)]
    [InlineData("", false)]
    [InlineData("-1", false)]
    [InlineData("1.0.0;rm", false)]
    [InlineData("123456789012345678901234567890123", false)] // 33
    public void Versions_are_header_safe_and_at_most_32(string version, bool valid) =>
        Assert.Equal(valid, SafeText.IsVersion(version));

    [Fact]
    public void Log_text_escapes_ansi_line_breaks_and_bidi_controls()
    {
        Assert.Equal("red \\u001b[31mX\\u001b[0m\\nforged line\\u202e", SafeText.ForLog("red \u001b[31mX\u001b[0m\nforged line\u202e"));
        Assert.StartsWith("aaaa…(", SafeText.ForLog(new string('a', 100), 4));
    }

    [Theory]
    [InlineData("ok", true)]
    [InlineData("tab\tok", true)]
    [InlineData("a\r\nb", false)]
    [InlineData("nul\0", false)]
    [InlineData("del\u007f", false)]
    public void Header_values_never_carry_cr_lf_or_controls(string value, bool safe) =>
        Assert.Equal(safe, SafeText.IsHeaderSafe(value));

    [Fact]
    public void The_outgoing_guard_refuses_a_request_with_an_injected_header_value()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://exapp.local/init");
        request.Headers.TryAddWithoutValidation("EX-APP-VERSION", "1.0.0\r\nX-A: 1\r\n\r\nGET /smuggled HTTP/1.1");
        var e = Assert.Throws<HttpRequestException>(() => OutgoingHeaderGuard.Check(request));
        Assert.Contains("EX-APP-VERSION", e.Message);
        Assert.DoesNotContain("smuggled", e.Message); // the value is not repeated
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("100", 100)]
    [InlineData("42", 42)]
    public void Progress_is_plain_digits_from_0_to_100(string text, int expected)
    {
        Assert.Null(ExAppInput.StatusReport(Params(("progress", text)), out var progress, out _));
        Assert.Equal(expected, progress);
    }

    [Theory]
    [InlineData(" 100")]
    [InlineData("+100")]
    [InlineData("100 ")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("1e2")]
    [InlineData("50.0")]
    [InlineData("")]
    public void Progress_with_signs_spaces_or_fractions_is_refused(string text) =>
        Assert.Contains("`progress`", ExAppInput.StatusReport(Params(("progress", text)), out _, out _));

    [Fact]
    public void Status_errors_are_bounded_nul_free_and_escaped()
    {
        Assert.Contains("`error`", ExAppInput.StatusReport(Params(("progress", "10"), ("error", new string('x', 5000))), out _, out _));
        Assert.Contains("NUL", ExAppInput.StatusReport(Params(("progress", "10"), ("error", "a\0b")), out _, out _));
        Assert.Null(ExAppInput.StatusReport(Params(("progress", "10"), ("error", "bad \u001b[31m\nthing")), out _, out var error));
        Assert.Equal("bad \\u001b[31m\nthing", error);
    }

    [Fact]
    public void Log_messages_are_bounded_and_escaped()
    {
        Assert.Contains("`message`", ExAppInput.LogMessage(new string('x', ExAppInput.MaxLogMessageLength + 1), out _));
        Assert.Null(ExAppInput.LogMessage("\u001b[2J\r\n[fake] admin logged in", out var escaped));
        Assert.Equal("\\u001b[2J\\r\\n[fake] admin logged in", escaped);
    }

    private static OcsParameters Params(params (string Key, string Value)[] values)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.QueryString = Microsoft.AspNetCore.Http.QueryString.Create(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        return OcsParameters.ReadAsync(http.Request, 1024, CancellationToken.None).GetAwaiter().GetResult();
    }
}
