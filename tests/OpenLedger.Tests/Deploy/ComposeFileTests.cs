using System.Text.RegularExpressions;
using OpenLedger.Grains.Hosting;
using OpenLedger.Silo.Configuration;

namespace OpenLedger.Tests.Deploy;

/// <summary>deploy/docker-compose.yml: parsed and checked against the built CLI and the repository (docker is not on the
/// test machines, so `docker compose config` cannot run here).</summary>
public sealed class ComposeFileTests
{
    private static readonly string ComposePath = Path.Combine(DeployYaml.Directory, "docker-compose.yml");
    private static Dictionary<object, object> Compose() => DeployYaml.Load(ComposePath);
    private static Dictionary<object, object> Services() => Compose().Map("services");

    /// <summary>The services running the node's image, by name.</summary>
    private static IEnumerable<(string Name, Dictionary<object, object> Service)> NodeServices() =>
        Services().Select(s => ((string)s.Key, (Dictionary<object, object>)s.Value))
            .Where(s => s.Item2.Text("image")?.StartsWith("openledger:", StringComparison.Ordinal) == true);

    private static async Task<Dictionary<string, NodeCommandLine>> CommandLinesAsync()
    {
        var run = await NodeCommandLine.RunOptionsAsync();
        var gateway = NodeCommandLine.GatewayOptions();
        return NodeServices().ToDictionary(s => s.Name, s => NodeCommandLine.Parse($"compose service {s.Name}",
            s.Service.Strings("command").Select(NodeCommandLine.Interpolated).ToList(), run, gateway));
    }

    [Fact]
    public async Task It_runs_PostgreSQL_two_core_silos_an_ML_silo_and_a_gateway_published_by_its_proxy()
    {
        var lines = await CommandLinesAsync();
        Assert.Equal(2, lines.Values.Count(l => l is { Verb: "run", Ml: false, Roles: SiloRoles.Core }));
        Assert.Equal(1, lines.Values.Count(l => l is { Verb: "run", Ml: true, Roles: SiloRoles.Ml }));
        Assert.Equal(1, lines.Values.Count(l => l.Verb == "gateway"));
        Assert.StartsWith("postgres:", Services().Map("postgres").Text("image"));
        var proxy = Services().Map("proxy");
        var gatewayName = lines.Single(l => l.Value.Verb == "gateway").Key;
        Assert.Equal($"service:{gatewayName}", proxy.Text("network_mode"));
    }

    [Fact]
    public async Task Every_openledger_command_line_uses_only_options_the_CLI_accepts_and_binds_its_own_cluster_address()
    {
        var lines = await CommandLinesAsync();
        Assert.Equal(4, lines.Count);
        // A silo advertises the address it binds: its own fixed address on the cluster network, one per silo.
        var addresses = new List<string>();
        foreach (var (name, service) in NodeServices().Where(s => s.Service.Strings("command")[0] == "run"))
        {
            var command = service.Strings("command");
            var address = command[Array.IndexOf(command, "--cluster-address") + 1];
            Assert.Equal(address, service.Map("networks").Map("cluster").Text("ipv4_address"));
            addresses.Add(address);
            // The ledger is in PostgreSQL, whose connection string comes from the env file, never from the compose file.
            Assert.Equal("./secrets/openledger.env", service.Text("env_file"));
        }
        Assert.Equal(addresses.Count, addresses.Distinct().Count());
    }

    [Fact]
    public async Task Health_checks_call_healthz_on_the_port_each_command_line_sets()
    {
        var lines = await CommandLinesAsync();
        foreach (var (name, service) in NodeServices())
        {
            var test = service.Map("healthcheck").Strings("test");
            Assert.Equal("CMD", test[0]);
            Assert.Contains("--fail", test);
            Assert.Equal(lines[name].HttpPort, NodeCommandLine.HealthzPort($"compose service {name}", test));
        }
    }

    [Fact]
    public void Every_secret_config_and_mounted_file_is_declared_and_the_repositorys_files_exist()
    {
        var compose = Compose();
        var secrets = compose.Map("secrets");
        var configs = compose.Map("configs");
        foreach (var (name, service) in Services().Select(s => ((string)s.Key, (Dictionary<object, object>)s.Value)))
        {
            var mine = service.List("secrets").Cast<string>().ToHashSet();
            foreach (var secret in mine) Assert.True(secrets.ContainsKey(secret), $"{name}: secret {secret} is not declared");
            // Every /run/secrets/X the service reads (command line or environment) is one of its own secrets.
            var text = string.Join(' ', service.Strings("command")) + " " + string.Join(' ', service.MapOrNull("environment")?.Values.Cast<string>() ?? []);
            foreach (Match m in Regex.Matches(text, "/run/secrets/([a-z0-9_]+)"))
                Assert.True(mine.Contains(m.Groups[1].Value), $"{name}: reads /run/secrets/{m.Groups[1].Value} without that secret");
            foreach (var config in service.Maps("configs"))
                Assert.True(configs.ContainsKey(config.Text("source")!), $"{name}: config {config.Text("source")} is not declared");
            // Bind mounts of the repository's files (./...) exist; named volumes are declared.
            foreach (var volume in service.List("volumes").Cast<string>())
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith("./", StringComparison.Ordinal))
                    Assert.True(File.Exists(Path.Combine(DeployYaml.Directory, source)), $"{name}: {source} is not in deploy/");
                else
                    Assert.True(compose.Map("volumes").ContainsKey(source), $"{name}: volume {source} is not declared");
            }
        }
        // What the operator provides lives under deploy/secrets/ and deploy/config/, which git and the image build ignore.
        var provided = secrets.Values.Concat(configs.Values).Cast<Dictionary<object, object>>().Select(d => d.Text("file")!)
            .Append(Services().Map("core-1").Text("env_file")!);
        var gitignore = File.ReadAllLines(Path.Combine(DeployYaml.Directory, "..", ".gitignore"));
        var dockerignore = File.ReadAllLines(Path.Combine(DeployYaml.Directory, "Dockerfile.dockerignore"));
        foreach (var file in provided)
        {
            var folder = file.Split('/')[1];
            Assert.True(folder is "secrets" or "config", $"{file} is outside deploy/secrets and deploy/config");
            Assert.Contains($"/deploy/{folder}/", gitignore);
            if (folder == "secrets") Assert.Contains("deploy/secrets/", dockerignore);
        }
    }

    [Fact]
    public void Images_are_the_Dockerfiles_targets_and_the_ML_silo_alone_runs_the_ML_image()
    {
        var stages = DockerfileTests.Stages();
        foreach (var (name, service) in NodeServices())
        {
            var image = service.Text("image")!;
            var target = image["openledger:".Length..];
            Assert.Contains(target, stages);
            Assert.Equal(target == "ml", RolesOption.From(new OpenLedger.Cli.CommandLine.Args([.. service.Strings("command")])).HasFlag(SiloRoles.Ml) && service.Strings("command")[0] == "run");
            // Every service names its image's build: a service without one would make `up` pull the tag from a registry.
            var build = service.Map("build");
            Assert.Equal(target, build.Text("target"));
            Assert.Equal("deploy/Dockerfile", build.Text("dockerfile"));
            Assert.Equal("..", build.Text("context"));
        }
    }

    [Fact]
    public void The_proxy_forwards_to_the_gateways_HTTP_port_and_listens_on_the_published_port()
    {
        var gateway = Services().Map("gateway");
        var command = gateway.Strings("command");
        var httpPort = command[Array.IndexOf(command, "--http-port") + 1];
        var nginx = File.ReadAllText(Path.Combine(DeployYaml.Directory, "proxy", "nginx.conf"));
        Assert.Contains($"proxy_pass http://127.0.0.1:{httpPort};", nginx);
        var listen = Regex.Match(nginx, @"listen (\d+);").Groups[1].Value;
        Assert.Equal([$"8080:{listen}"], gateway.Strings("ports"));
        Assert.Contains("./proxy/nginx.conf:/etc/nginx/nginx.conf:ro", Services().Map("proxy").Strings("volumes"));
    }
}
