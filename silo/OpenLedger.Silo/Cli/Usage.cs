using OpenLedger.Cli;

namespace OpenLedger.Silo.Cli;

/// <summary>The help text of <c>openledger</c>: the node's own verbs, then the client verbs it carries
/// (<see cref="ClientUsage"/>).</summary>
public static class Usage
{
    public static void Print(TextWriter output)
    {
        output.WriteLine("""
            openledger — an AI-native ledger node on Orleans

            usage: openledger <verb> [options]

              run                 run a node (the default verb)
                --data-dir DIR      embedded store directory (default ./data)
                --postgres CONN     use PostgreSQL (storage + clustering) instead of SQLite
                --genesis FILE      genesis file (default: the built-in dev genesis)
                --silo-port N       silo-to-silo port (default 11111)
                --gateway-port N    Orleans gateway port for the cluster's own processes (default 30000)
                --cluster-address IP  with --postgres: the address the silo and gateway ports bind to and advertise
                                    (or OPENLEDGER_CLUSTER_ADDRESS; default 127.0.0.1, so a LAN cluster names it)
                --http-port N       GraphQL and /healthz on 127.0.0.1 (default 8080)
                --roles R,...       what this silo does (or OPENLEDGER_ROLES; default core,ml,gateway): core = the
                                    ledger (producer, mempool, chain, accounts, marketplace grains); ml = Model
                                    Factory, OpenLoRA, serving, attribution; gateway = GraphQL, the web app and the
                                    WebSocket API on --http-port (without it that port answers /healthz and /metrics
                                    only). Grains of a role run only on silos with it
                --no-ml             the same as --roles core,gateway (or OPENLEDGER_NO_ML=1)
                --cluster-cert FILE the cluster certificate, mutual TLS on the Orleans ports (mode 0600; or
                                    OPENLEDGER_CLUSTER_CERT; default cluster.pfx in --data-dir, made if missing)
                --allowed-hosts H,...   host names the HTTP port is reached by, beside the loopback names
                                    (or OPENLEDGER_ALLOWED_HOSTS)
                --allowed-origins O,... page origins allowed to call it (or OPENLEDGER_ALLOWED_ORIGINS)
                --operator-token FILE   the operator token (/dashboard, /metrics, operator mutations; or
                                    OPENLEDGER_OPERATOR_TOKEN_FILE; default operator.token in --data-dir; made if missing)
                --ws-per-client N   WebSocket connections one client address may hold (default 256; or
                                    OPENLEDGER_WS_PER_CLIENT; raise it behind a reverse proxy)
                --ws-total N        WebSocket connections held in all (default 4096; or OPENLEDGER_WS_TOTAL)
                --producer-key-file FILE  the block producer's key file (mode 0600; or OPENLEDGER_PRODUCER_KEY_FILE,
                                    OPENLEDGER_PRODUCER_KEY; --producer-key HEX works but shows it to other local
                                    users). A dev chain derives it from the dev seed; a real chain refuses dev keys
                --empty-blocks      seal a block every interval even when no transaction waits
                                    (without it, only while a transaction waits or a deadline is open)
                --mempool-capacity N        transactions the mempool holds (default 200000; 10% reserved for
                                            the producer and the marketplace operators)
                --mempool-max-bytes N       bytes the mempool holds (default 134217728; 10% reserved likewise)
                --mempool-future-ttl-ms N   how long a transaction behind a nonce gap may wait (default 180000)
                --serving-key-file FILE   the serving operator key that posts OpenLoRA's answers to inferences
                                    (or OPENLEDGER_SERVING_KEY_FILE, OPENLEDGER_SERVING_KEY, --serving-key HEX; a dev
                                    chain uses the dev serving operator); without one no inference is answered
                --attribution-key-file FILE  the attribution operator key that settles served inferences with
                                    the weights the attribution worker computes (or OPENLEDGER_ATTRIBUTION_KEY_FILE,
                                    OPENLEDGER_ATTRIBUTION_KEY, --attribution-key HEX; a dev chain uses the dev
                                    attribution operator); without one no inference is attributed or settled here
                --base-model M      the base model Model Factory trains and OpenLoRA serves over (or
                                    OPENLEDGER_BASE_MODEL): a shipped recipe (`ml base-models` lists them), a shipped
                                    model's on-chain name builtin:0x<weights keccak>, or a directory, e.g. an
                                    `ml import-gpt2` output. The data directory remembers it (served-base-model.json):
                                    without the option a node keeps serving what its data directory served (a chain
                                    begun before that file existed: wordnet-1m); a new data directory gets the default
                --training-threads N   libtorch threads per training job (default: the cores; a job's record
                                    names its count, and the same count reproduces its adapter bit for bit)
              gateway             run only the GraphQL gateway, as an Orleans client of running silos
                                  (--http-port, --gateway-port or --postgres to find them)
              verify              replay the chain from genesis and check every header, root and signature
                                  (reads the store directly: --data-dir or --postgres, and --genesis)

            ML engine:
              ml base-models      list the base models shipped with this build: recipe, on-chain name, shape,
                                  parameters, held-out perplexity, weights size, which one is the default
              ml train-base       train the built-in base model (WordNet 3.0 -> BPE tokenizer -> small GPT-2) into a
                                  directory: tokenizer.json, model.safetensors, base-model.json; prints the hashes
                [--out DIR] [--recipe wordnet-5m (default) | wordnet-1m (the first built-in model)] [--steps N]
                [--threads N (1 reproduces the built-in models bit for bit)] [--every N (progress lines)] [--wordnet DIR]
                [--dim N] [--layers N] [--heads N] [--vocab N] [--batch N (variants of the recipe's shape)]
                [--checkpoint DIR (save every 100 steps and on Ctrl+C; the same command continues from it)]
              ml import-gpt2 --from DIR --out DIR   import a Hugging Face GPT-2 (config.json + model.safetensors) as a
                                  base model with GPT-2's tokenizer; a node uses it with --base-model DIR
              ml eval-base        every shipped base model (or --base-model M) on all its held-out synsets: loss and
                                  perplexity per token, bits per byte (comparable across tokenizers) [--threads N]
              ml eval-lexname     quality evidence: WordNet gloss -> lexicographer category (45 classes) on the synsets
                                  the base model never saw: majority class, bag-of-words logistic regression, the base
                                  model and a LoRA adapter fine-tuned by Model Factory's run
                [--train N (12000)] [--test N] [--epochs X (3) | --steps N] [--rank N] [--alpha X] [--lr X]
                [--batch N (32)] [--seed N] [--threads N] [--out FILE (JSON report)] [--base-model M (as for run)]
              attribution verify --inference 0x…   recompute a settled inference's attribution record (adapter,
                                  influence and span indexes, served texts, read through the node's GraphQL) and check
                                  it against the chain bit for bit; exit 0 only when exact
                [--node URL] [--base-model M (as for run; default: the built-in model the inference's model was
                trained over)] [--content FILE,FILE (local artifacts: an index larger than the
                node's GraphQL response limit)]

            """);
        output.WriteLine(ClientUsage.Verbs);
    }
}
