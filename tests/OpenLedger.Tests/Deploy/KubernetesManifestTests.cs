using System.Text.RegularExpressions;
using OpenLedger.Grains.Hosting;

namespace OpenLedger.Tests.Deploy;

/// <summary>deploy/k8s/: every manifest parsed and cross-checked (kubectl is not on the test machines, so neither
/// `kubectl apply --dry-run` nor a schema check runs here): command lines against the built CLI, probes against the ports
/// they set, references to Secrets and ConfigMaps, images, the ML Deployment's GPU placement.</summary>
public sealed class KubernetesManifestTests
{
    private static readonly string K8s = Path.Combine(DeployYaml.Directory, "k8s");

    private static List<Dictionary<object, object>> Documents() =>
        System.IO.Directory.GetFiles(K8s, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(DeployYaml.LoadAll).ToList();

    private static Dictionary<object, object> Named(string kind, string name) =>
        Documents().Single(d => d.Text("kind") == kind && d.Map("metadata").Text("name") == name);

    private static IEnumerable<(string Deployment, Dictionary<object, object> Pod)> Pods() =>
        Documents().Where(d => d.Text("kind") == "Deployment")
            .Select(d => (d.Map("metadata").Text("name")!, d.Map("spec").Map("template").Map("spec")));

    /// <summary>The node's containers (not the init containers that copy keys, nor the proxy).</summary>
    private static IEnumerable<(string Where, Dictionary<object, object> Container, Dictionary<object, object> Pod)> NodeContainers() =>
        Pods().SelectMany(p => p.Pod.Maps("containers").Where(c => c.Text("image")!.StartsWith("openledger:", StringComparison.Ordinal))
            .Select(c => ($"{p.Deployment}/{c.Text("name")}", c, p.Pod)));

    private static async Task<Dictionary<string, NodeCommandLine>> CommandLinesAsync()
    {
        var run = await NodeCommandLine.RunOptionsAsync();
        var gateway = NodeCommandLine.GatewayOptions();
        return NodeContainers().ToDictionary(c => c.Where, c => NodeCommandLine.Parse(c.Where, c.Container.Strings("args"), run, gateway));
    }

    [Fact]
    public void Every_manifest_parses_and_the_kustomization_lists_each_one_in_the_namespace()
    {
        var kustomization = DeployYaml.Load(Path.Combine(K8s, "kustomization.yaml"));
        var files = System.IO.Directory.GetFiles(K8s, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order();
        Assert.Equal(files, kustomization.Strings("resources").Order());
        Assert.Equal("openledger", kustomization.Text("namespace"));
        Assert.Equal(["openledger"], kustomization.Maps("images").Select(i => i.Text("name")));
        foreach (var document in Documents().Where(d => d.Text("kind") != "Namespace"))
            Assert.Equal("openledger", document.Map("metadata").Text("namespace"));
        Assert.Equal(["ConfigMap", "ConfigMap", "Deployment", "Deployment", "Deployment", "Namespace", "PersistentVolumeClaim", "Secret", "Service"],
            Documents().Select(d => d.Text("kind")!).Order());
    }

    [Fact]
    public async Task Core_silos_an_ML_silo_and_the_gateway_run_command_lines_the_CLI_accepts()
    {
        var lines = await CommandLinesAsync();
        Assert.Equal(3, lines.Count);
        Assert.True(lines["openledger-core/silo"] is { Verb: "run", Ml: false, Roles: SiloRoles.Core });
        Assert.True(lines["openledger-ml/silo"] is { Verb: "run", Ml: true, Roles: SiloRoles.Ml });
        Assert.Equal("gateway", lines["openledger-gateway/gateway"].Verb);
        // Clustering is the PostgreSQL membership table: every node process gets the connection string from the Secret, and
        // a silo advertises its pod's address.
        foreach (var (where, container, _) in NodeContainers())
        {
            var env = container.Maps("env").ToDictionary(e => e.Text("name")!);
            Assert.Equal("postgres-connection", env["OPENLEDGER_POSTGRES"].Map("valueFrom").Map("secretKeyRef").Text("key"));
            if (lines[where].Verb == "run")
                Assert.Equal("status.podIP", env["OPENLEDGER_CLUSTER_ADDRESS"].Map("valueFrom").Map("fieldRef").Text("fieldPath"));
            // Each variable is one the README documents (the parser reads them; the help lists only some).
            var readme = File.ReadAllText(Path.Combine(DeployYaml.Directory, "..", "README.md"));
            foreach (var name in env.Keys) Assert.Contains($"`{name}`", readme);
        }
    }

    [Fact]
    public async Task Liveness_readiness_and_startup_probes_call_healthz_on_the_port_the_command_line_sets()
    {
        var lines = await CommandLinesAsync();
        foreach (var (where, container, _) in NodeContainers())
        {
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                var command = container.Map(probe).Map("exec").Strings("command");
                Assert.Equal("curl", command[0]);
                Assert.Equal(lines[where].HttpPort, NodeCommandLine.HealthzPort($"{where} {probe}", command));
                // Ready means the cluster answers (200); alive means the process answers at all (a 503 too).
                Assert.Equal(probe == "readinessProbe", command.Contains("--fail"));
            }
        }
    }

    [Fact]
    public void Every_Secret_and_ConfigMap_reference_exists_and_every_key_file_a_command_line_names_is_copied_in()
    {
        var secret = Named("Secret", "openledger-secrets").Map("stringData");
        foreach (var (deployment, pod) in Pods())
        {
            var volumes = pod.Maps("volumes").ToDictionary(v => v.Text("name")!);
            foreach (var volume in volumes.Values)
            {
                if (volume.MapOrNull("secret") is { } s)
                {
                    Assert.Equal("openledger-secrets", s.Text("secretName"));
                    foreach (var item in s.Maps("items")) Assert.True(secret.ContainsKey(item.Text("key")!), $"{deployment}: secret key {item.Text("key")}");
                }
                if (volume.MapOrNull("configMap") is { } c) Named("ConfigMap", c.Text("name")!);
                if (volume.MapOrNull("persistentVolumeClaim") is { } claim) Named("PersistentVolumeClaim", claim.Text("claimName")!);
            }
            var containers = pod.Maps("containers").Concat(pod.Maps("initContainers")).ToList();
            foreach (var container in containers)
            {
                foreach (var mount in container.Maps("volumeMounts"))
                    Assert.True(volumes.ContainsKey(mount.Text("name")!), $"{deployment}: volume {mount.Text("name")} is not declared");
                foreach (var env in container.Maps("env").Select(e => e.MapOrNull("valueFrom")?.MapOrNull("secretKeyRef")).OfType<Dictionary<object, object>>())
                    Assert.True(env.Text("name") == "openledger-secrets" && secret.ContainsKey(env.Text("key")!), $"{deployment}: secretKeyRef {env.Text("key")}");
            }
            // The init container copies the Secret's files into the in-memory volume (mode 0600, the node's user): every
            // file a command line reads from there is among those it copies, and each copied file is in the Secret volume.
            var init = Assert.Single(pod.Maps("initContainers"));
            var copied = Regex.Match(string.Join(' ', init.Strings("command")), @"for f in ([^;]+);").Groups[1].Value.Split(' ');
            var items = volumes["secrets"].Map("secret").Maps("items").Select(i => i.Text("path")).ToHashSet();
            Assert.All(copied, f => Assert.Contains(f, items));
            foreach (var container in pod.Maps("containers"))
            {
                foreach (Match m in Regex.Matches(string.Join(' ', container.Strings("args")), @"/run/openledger/(\S+)"))
                    Assert.Contains(m.Groups[1].Value, copied);
                // The genesis a silo reads is the ConfigMap's key, mounted where the command line looks.
                var args = container.Strings("args");
                if (Array.IndexOf(args, "--genesis") is var g and >= 0)
                {
                    var mount = container.Maps("volumeMounts").Single(v => v.Text("name") == "genesis");
                    Assert.Equal(Path.Combine(mount.Text("mountPath")!, "genesis.json"), args[g + 1]);
                    Assert.True(Named("ConfigMap", "openledger-genesis").Map("data").ContainsKey("genesis.json"));
                }
            }
        }
    }

    [Fact]
    public async Task Images_are_the_Dockerfiles_targets_and_the_ML_silo_asks_for_a_GPU_node()
    {
        var lines = await CommandLinesAsync();
        var stages = DockerfileTests.Stages();
        foreach (var (where, container, pod) in NodeContainers())
        {
            var target = container.Text("image")!["openledger:".Length..];
            Assert.Contains(target, stages);
            Assert.Equal(target == "ml", lines[where].Ml);
            // The init container runs the same image (it needs only sh and install).
            Assert.All(pod.Maps("initContainers"), i => Assert.Equal(container.Text("image"), i.Text("image")));
            Assert.Equal("true", pod.Map("securityContext").Text("runAsNonRoot"));
        }
        var ml = Pods().Single(p => p.Deployment == "openledger-ml").Pod;
        Assert.Equal("1", ml.Maps("containers").Single().Map("resources").Map("limits").Text("nvidia.com/gpu"));
        Assert.Equal("true", ml.Map("nodeSelector").Text("nvidia.com/gpu.present"));
        Assert.Equal("ml", ml.Map("nodeSelector").Text("openledger.io/role"));
    }

    [Fact]
    public void The_gateways_proxy_is_the_compose_proxys_file_and_the_Service_reaches_it()
    {
        var config = Named("ConfigMap", "openledger-proxy").Map("data").Text("nginx.conf")!;
        Assert.Equal(File.ReadAllText(Path.Combine(DeployYaml.Directory, "proxy", "nginx.conf")).TrimEnd(), config.TrimEnd());
        var pod = Pods().Single(p => p.Deployment == "openledger-gateway").Pod;
        var proxy = pod.Maps("containers").Single(c => c.Text("name") == "proxy");
        var port = proxy.Maps("ports").Single();
        Assert.Equal(Regex.Match(config, @"listen (\d+);").Groups[1].Value, port.Text("containerPort"));
        var gatewayArgs = pod.Maps("containers").Single(c => c.Text("name") == "gateway").Strings("args");
        Assert.Contains($"proxy_pass http://127.0.0.1:{gatewayArgs[Array.IndexOf(gatewayArgs, "--http-port") + 1]};", config);
        var service = Named("Service", "openledger-gateway").Map("spec");
        Assert.Equal(port.Text("name"), service.Maps("ports").Single().Text("targetPort"));
        Assert.Equal("openledger-gateway", service.Map("selector").Text("app.kubernetes.io/name"));
    }
}
