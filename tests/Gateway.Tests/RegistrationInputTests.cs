using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ExApps.Gateway.Ocs;
using ExApps.Gateway.Ocs.Registrations;
using Microsoft.AspNetCore.Http;

namespace ExApps.Gateway.Tests;

/// <summary>The request rules of AppAPI's registration routes: required fields, AppAPI's defaults and column sizes,
/// paths that stay inside the ExApp, AppAPI's task processing checks, Talk signatures and notification texts.</summary>
public sealed class RegistrationInputTests
{
    private static OcsParameters Params(string json)
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json);
        http.Request.Body = new MemoryStream(bytes);
        http.Request.ContentLength = bytes.Length;
        return OcsParameters.ReadAsync(http.Request, 1 << 20, CancellationToken.None).GetAwaiter().GetResult();
    }

    private static string Refused(Func<RegistrationSpec> parse) => Assert.Throws<OcsRequestException>(() => parse()).Message;

    [Fact]
    public void A_file_action_gets_AppAPI_defaults_and_paths_without_leading_slash()
    {
        var spec = RegistrationSpecs.FileAction(Params("""{"name":"a","displayName":"A","actionHandler":"/h","icon":"/i.svg"}"""), "2.0");
        Assert.Equal("files_actions_menu", spec.Kind);
        Assert.Equal(["a"], spec.Key);
        Assert.Equal("file", spec.Data["mime"]!.GetValue<string>());
        Assert.Equal("31", spec.Data["permissions"]!.GetValue<string>());
        Assert.Equal(0, spec.Data["order"]!.GetValue<int>());
        Assert.Equal("h", spec.Data["action_handler"]!.GetValue<string>());
        Assert.Equal("i.svg", spec.Data["icon"]!.GetValue<string>());
        Assert.Equal("2.0", spec.Data["version"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"displayName":"A","actionHandler":"h"}""", "`name`")]
    [InlineData("""{"name":"a","actionHandler":"h"}""", "`displayName`")]
    [InlineData("""{"name":"a","displayName":"A"}""", "`actionHandler`")]
    [InlineData("""{"name":"a","displayName":"A","actionHandler":"../x"}""", "`actionHandler`")]
    [InlineData("""{"name":"a","displayName":"A","actionHandler":"http://evil/x"}""", "`actionHandler`")]
    [InlineData("""{"name":"a","displayName":"A","actionHandler":"h","permissions":99}""", "`permissions`")]
    [InlineData("""{"name":"a\u0007","displayName":"A","actionHandler":"h"}""", "`name`")]
    public void A_bad_file_action_names_the_field(string json, string field) =>
        Assert.Contains(field, Refused(() => RegistrationSpecs.FileAction(Params(json), "1.0")));

    [Fact]
    public void Texts_longer_than_AppAPI_columns_are_refused()
    {
        Assert.Contains("at most 32", Refused(() => RegistrationSpecs.TopMenu(Params($$"""{"name":"{{new string('m', 33)}}","displayName":"M"}"""))));
        Assert.Contains("`path`", Refused(() => RegistrationSpecs.Script(Params($$"""{"type":"t","name":"n","path":"{{new string('p', 411)}}"}"""))));
    }

    [Fact]
    public void An_initial_state_value_must_be_an_object_or_list()
    {
        Assert.Contains("`value`", Refused(() => RegistrationSpecs.InitialState(Params("""{"type":"t","name":"n","key":"k","value":5}"""))));
        var spec = RegistrationSpecs.InitialState(Params("""{"type":"t","name":"n","key":"k","value":[1,2]}"""));
        Assert.Equal(["t", "n", "k"], spec.Key);
    }

    [Fact]
    public void A_settings_form_is_named_by_its_id_and_stored_external()
    {
        var spec = RegistrationSpecs.SettingsForm(Params("""{"formScheme":{"id":"f1","fields":[]}}"""));
        Assert.Equal(["f1"], spec.Key);
        Assert.Equal("external", spec.Data["scheme"]!["storage_type"]!.GetValue<string>());
        Assert.Contains("`formScheme.id`", Refused(() => RegistrationSpecs.SettingsForm(Params("""{"formScheme":{"id":5}}"""))));
        Assert.Contains("`formScheme`", Refused(() => RegistrationSpecs.SettingsForm(Params("""{}"""))));
    }

    [Fact]
    public void Occ_command_arguments_need_a_name_and_a_known_mode()
    {
        const string ok = """{"name":"a:b","description":"d","execute_handler":"x","arguments":[{"name":"n","mode":"optional","description":""}]}""";
        Assert.Equal(["a:b"], RegistrationSpecs.OccCommand(Params(ok)).Key);
        Assert.Contains("`arguments[0].mode`", Refused(() => RegistrationSpecs.OccCommand(Params(ok.Replace("optional", "maybe")))));
        Assert.Contains("`options[0]`", Refused(() => RegistrationSpecs.OccCommand(Params(ok.Replace("\"arguments\"", "\"options\":[5],\"x\"")))));
        Assert.Contains("`execute_handler`", Refused(() => RegistrationSpecs.OccCommand(Params("""{"name":"a","description":"d"}"""))));
    }

    private const string Provider = """
        {"id":"p","name":"P","task_type":"core:text2text","expected_runtime":10,"optional_input_shape":[],"optional_output_shape":[],
         "input_shape_enum_values":[],"input_shape_defaults":[],"optional_input_shape_enum_values":[],"optional_input_shape_defaults":[],
         "output_shape_enum_values":[],"optional_output_shape_enum_values":[]}
        """;

    [Fact]
    public void A_task_processing_provider_passes_AppAPI_checks_with_their_messages()
    {
        var spec = TaskProcessingSpec.Parse(Params($$"""{"provider":{{Provider}}}"""));
        Assert.Equal(["p"], spec.Key);
        Assert.Equal("null", spec.Data["custom_task_type"]!.GetValue<string>());
        Assert.Contains("\"expected_runtime\" key must be an integer",
            Refused(() => TaskProcessingSpec.Parse(Params($$"""{"provider":{{Provider.Replace("10", "\"10\"")}}}"""))));
        Assert.Contains("\"optional_input_shape\" should be an array",
            Refused(() => TaskProcessingSpec.Parse(Params($$"""{"provider":{{Provider.Replace("\"optional_input_shape\":[]", "\"optional_input_shape\":[{\"name\":\"x\"}]")}}}"""))));
        Assert.Contains("Task type and custom task type must be the same",
            Refused(() => TaskProcessingSpec.Parse(Params($$$"""{"provider":{{{Provider}}},"customTaskType":{"id":"other","name":"O","description":"","input_shape":[],"output_shape":[]}}"""))));
    }

    [Fact]
    public void A_talk_signature_is_the_hmac_of_random_and_body()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"Create"}""");
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), Encoding.UTF8.GetBytes("rnd").Concat(body).ToArray()));
        Assert.True(TalkBotOcsEndpoints.SignatureValid("s3cret", "rnd", body, signature));
        Assert.True(TalkBotOcsEndpoints.SignatureValid("s3cret", "rnd", body, signature.ToUpperInvariant()));
        Assert.False(TalkBotOcsEndpoints.SignatureValid("s3cret", "rnd2", body, signature));
        Assert.False(TalkBotOcsEndpoints.SignatureValid("other", "rnd", body, signature));
        Assert.False(TalkBotOcsEndpoints.SignatureValid("s3cret", "rnd", [.. body, (byte)' '], signature));
    }

    [Fact]
    public void A_notification_fills_rich_placeholders_and_names_missing_fields()
    {
        var p = JsonNode.Parse("""
            {"object":"app_api","object_id":"1","subject_type":"app_api_ex_app",
             "subject_params":{"rich_subject":"Hello {who}","rich_subject_params":{"who":{"type":"user","id":"a","name":"Alice"}},
                               "rich_message":"Line 1\nLine 2","link":"https://x"}}
            """)!.AsObject();
        var n = NextcloudOcsEndpoints.Notification("app", "alice", p, DateTimeOffset.UnixEpoch);
        Assert.Equal("Hello Alice", n["subject"]!.GetValue<string>());
        Assert.Equal("Line 1\nLine 2", n["message"]!.GetValue<string>());
        Assert.Equal("alice", n["user"]!.GetValue<string>());
        p.Remove("object_id");
        Assert.Contains("`params.object_id`", Assert.Throws<OcsRequestException>(() => NextcloudOcsEndpoints.Notification("app", "alice", p, DateTimeOffset.UnixEpoch)).Message);
    }
}
