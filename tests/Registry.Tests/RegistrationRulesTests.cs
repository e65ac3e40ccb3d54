using System.Text.Json.Nodes;
using ExApps.Registry.Registrations;

namespace ExApps.Registry.Tests;

/// <summary>What the registry checks again before it stores a registration, and AppAPI's Talk bot derivation.</summary>
public sealed class RegistrationRulesTests
{
    [Fact]
    public void A_registration_needs_a_known_kind_and_the_kinds_number_of_key_parts()
    {
        Assert.Null(RegistrationKinds.Check("script", ["top_menu", "menu", "js/app"], new JsonObject(), needsData: true));
        Assert.Null(RegistrationKinds.Check("setup_check", [], new JsonObject(), needsData: true));
        Assert.Contains("kind", RegistrationKinds.Check("widget", ["a"], new JsonObject(), needsData: true)!.Keys);
        Assert.Contains("key", RegistrationKinds.Check("script", ["top_menu", "menu"], new JsonObject(), needsData: true)!.Keys);
        Assert.Contains("key.path", RegistrationKinds.Check("script", ["t", "n", "a\nb"], new JsonObject(), needsData: true)!.Keys);
        Assert.Contains("data", RegistrationKinds.Check("top_menu", ["m"], new JsonArray(), needsData: true)!.Keys);
        Assert.Contains("data", RegistrationKinds.Check("top_menu", ["m"],
            new JsonObject { ["x"] = new string('x', RegistrationKinds.MaxDataBytes) }, needsData: true)!.Keys);
    }

    [Fact]
    public void Key_parts_survive_the_stored_form()
    {
        var key = RegistrationKinds.JoinKey(["top_menu", "menu", "js/app.js"]);
        Assert.Equal(["top_menu", "menu", "js/app.js"], RegistrationKinds.SplitKey(key, "script"));
        Assert.Empty(RegistrationKinds.SplitKey(RegistrationKinds.JoinKey([]), "setup_check"));
    }

    [Fact]
    public void A_talk_bot_id_is_sha1_of_app_id_underscore_route_as_in_AppAPI()
    {
        // printf 'myapp_bots/echo' | sha1sum
        Assert.Equal("7fac313731f84a71ee65d3f42ebd599e079b5ee4", TalkBotStore.BotId("myapp", "bots/echo"));
        Assert.Equal(40, TalkBotStore.BotId("a", "b").Length);
        Assert.Equal(52, TalkBotStore.HumanReadable.Distinct().Count());
        Assert.DoesNotContain('l', TalkBotStore.HumanReadable);
        Assert.DoesNotContain('0', TalkBotStore.HumanReadable);
    }
}
