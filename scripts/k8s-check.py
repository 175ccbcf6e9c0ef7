"""The checks of scripts/k8s-check.sh (read it first):
    python scripts/k8s-check.py <manifests> <compose file> [<broken copies>]
Prints each problem and exits 1 if there is any; then, given a file of broken copies
(Tests/deploy/k8s-broken.tsv), makes each and exits 1 unless every one fails the check."""
import functools, glob, json, os, re, shutil, sys, tempfile

import jsonschema
import kubernetes_validate
import yaml
import kubernetes_validate.utils
from kubernetes_validate.utils import SchemaNotFoundError

# Each validation reads its schema files again (the definitions are megabytes): read each once.
kubernetes_validate.utils.schema_contents = functools.lru_cache(maxsize=None)(kubernetes_validate.utils.schema_contents)

KUBERNETES = "1.34.0"  # the schemas kubernetes-validate 1.34.1 ships
SERVICES = {"inscriptions": 8081, "missions": 8082, "referentiel": 8083, "correction": 8084, "gateway": 8080}
# The operators' resources, each against the schema the project wrote (schemas/).
CUSTOM = {("rabbitmq.com/v1beta1", "RabbitmqCluster"): "rabbitmqcluster.json",
          ("postgresql.cnpg.io/v1", "Cluster"): "cnpg-cluster.json"}
# Only there to build DATABASE_URL and AMQP_URL: the one thing a Deployment sets that compose does not.
URL_PARTS = {"DATABASE_URL_PASSWORD", "AMQP_URL_PASSWORD"}
# Compose's host names and the manifests' (a service's database host is checked apart: its own cluster).
HOSTS = {"//rabbitmq:": "//ece-broker:"}
# Where the ingress controller and Prometheus run (the NetworkPolicies name these namespaces).
INGRESS_NAMESPACE, MONITORING_NAMESPACE = "ingress-nginx", "monitoring"


def check(manifests, compose_file):
    """The problems found in the manifests of the folder `manifests` (each a line of text), and counts
    of what was validated. The cross-checks (3) read documents that passed their schema (1, 2)."""
    problems = []

    def problem(where, text):
        problems.append(f"{where}: {text}")

    def name(doc):
        return f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"

    docs = []  # (file, document)
    for path in sorted(glob.glob(os.path.join(manifests, "*.yaml"))):
        try:
            docs += [(os.path.basename(path), doc) for doc in yaml.safe_load_all(open(path, encoding="utf-8")) if doc is not None]
        except yaml.YAMLError as error:
            problem(os.path.basename(path), f"not YAML: {error}")
    if not docs:
        return problems + [f"{manifests}: no manifest"], {}

    # 1 and 2: schemas.
    schemas = {key: json.load(open(os.path.join(manifests, "schemas", file))) for key, file in CUSTOM.items()}
    counts = {"kubernetes": 0, "custom": 0}
    for file, doc in docs:
        where = f"{file} {name(doc)}"
        key = (doc.get("apiVersion"), doc.get("kind"))
        if key in schemas:
            validator = jsonschema.Draft202012Validator(schemas[key])
            for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
                problem(where, f"{'.'.join(map(str, error.path)) or '(top)'}: {error.message}")
            counts["custom"] += 1
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)
            counts["kubernetes"] += 1
        except SchemaNotFoundError as error:
            # A typo in apiVersion or kind, or an operator's resource without a schema here.
            problem(where, error.message)
        except jsonschema.ValidationError as error:
            problem(where, f"{'.'.join(map(str, error.path)) or '(top)'}: {error.message}")

    if problems:
        return problems, counts
    try:
        cross_check(docs, manifests, compose_file, problem)
    except (KeyError, TypeError, AttributeError, IndexError) as error:
        problem(manifests, f"cannot cross-check ({type(error).__name__} {error}): a field the checks need is missing")
    return problems, counts


def cross_check(docs, manifests, compose_file, problem):
    """3: references, the issue's demands on each service, docker-compose.yml's variables."""
    def of_kind(kind):
        return {doc["metadata"]["name"]: doc for _, doc in docs if doc.get("kind") == kind and doc.get("metadata", {}).get("name")}

    deployments, services, secrets, configmaps = of_kind("Deployment"), of_kind("Service"), of_kind("Secret"), of_kind("ConfigMap")
    jobs, pdbs, hpas, policies = of_kind("Job"), of_kind("PodDisruptionBudget"), of_kind("HorizontalPodAutoscaler"), of_kind("NetworkPolicy")
    brokers, databases, ingresses = of_kind("RabbitmqCluster"), of_kind("Cluster"), of_kind("Ingress")
    # The operator writes its administrator's Secret itself.
    made_by_operators = {f"{broker}-default-user": {"username", "password"} for broker in brokers}

    def pod_labels():
        """(what, labels) of every pod the manifests make, the operators' included."""
        for kind, group in (("Deployment", deployments), ("Job", jobs)):
            for n, doc in group.items():
                yield f"{kind}/{n}", doc["spec"]["template"]["metadata"].get("labels", {})
        for n in brokers:
            yield f"RabbitmqCluster/{n}", {"app.kubernetes.io/name": n}
        for n in databases:
            yield f"Cluster/{n}", {"cnpg.io/cluster": n}

    def selects(selector, labels):
        return bool(selector) and all(labels.get(k) == v for k, v in selector.items())

    def selected(selector):
        return [what for what, labels in pod_labels() if selects(selector, labels)]

    # 3a. Every Secret and ConfigMap named exists, with the key asked for.
    def need_secret(where, secret, key=None):
        if secret in made_by_operators:
            keys = made_by_operators[secret]
        elif secret in secrets:
            keys = set((secrets[secret].get("stringData") or {}) | (secrets[secret].get("data") or {}))
        else:
            return problem(where, f"Secret {secret} is not in {manifests}")
        if key is not None and key not in keys:
            problem(where, f"Secret {secret} has no key {key}")

    def need_configmap(where, configmap, key=None):
        if configmap not in configmaps:
            return problem(where, f"ConfigMap {configmap} is not in {manifests}")
        if key is not None and key not in (configmaps[configmap].get("data") or {}):
            problem(where, f"ConfigMap {configmap} has no key {key}")

    def check_pod(where, pod):
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            for variable in container.get("env", []):
                source = variable.get("valueFrom") or {}
                if "secretKeyRef" in source:
                    need_secret(where, source["secretKeyRef"]["name"], source["secretKeyRef"]["key"])
                if "configMapKeyRef" in source:
                    need_configmap(where, source["configMapKeyRef"]["name"], source["configMapKeyRef"]["key"])
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    need_secret(where, source["secretRef"]["name"])
                if "configMapRef" in source:
                    need_configmap(where, source["configMapRef"]["name"])
        for volume in pod.get("volumes", []):
            sources = (volume.get("projected") or {}).get("sources", []) + [volume]
            for source in sources:
                if "secret" in source:
                    need_secret(where, source["secret"].get("secretName") or source["secret"].get("name"))
                if "configMap" in source:
                    need_configmap(where, source["configMap"]["name"])

    for kind, group in (("Deployment", deployments), ("Job", jobs)):
        for n, doc in group.items():
            check_pod(f"{kind}/{n}", doc["spec"]["template"]["spec"])
    for n, doc in databases.items():
        initdb = (doc["spec"].get("bootstrap") or {}).get("initdb") or {}
        if "secret" in initdb:
            need_secret(f"Cluster/{n}", initdb["secret"]["name"], "password")
            if secrets.get(initdb["secret"]["name"], {}).get("type") != "kubernetes.io/basic-auth":
                problem(f"Cluster/{n}", f"Secret {initdb['secret']['name']} must be of type kubernetes.io/basic-auth")
            elif secrets[initdb["secret"]["name"]]["stringData"].get("username") != initdb.get("owner"):
                problem(f"Cluster/{n}", "its secret's username is not the database owner")
    for n, doc in ingresses.items():
        for tls in doc["spec"].get("tls", []):
            need_secret(f"Ingress/{n}", tls["secretName"], "tls.crt")

    # 3b. Secrets are templates: placeholders only, never a value.
    for n, doc in secrets.items():
        if doc.get("data"):
            problem(f"Secret/{n}", "has `data`: templates hold CHANGE-ME placeholders in stringData only")
        for key, value in (doc.get("stringData") or {}).items():
            if key == "username" and doc.get("type") == "kubernetes.io/basic-auth":
                continue
            if "CHANGE-ME" not in str(value):
                problem(f"Secret/{n}", f"{key} is not a CHANGE-ME placeholder: no real secret in the repository")

    # 3c. Selectors and targets name what exists.
    for n, doc in services.items():
        if not selected(doc["spec"].get("selector")):
            problem(f"Service/{n}", "selects no pod")
    for n, doc in pdbs.items():
        if not selected(doc["spec"]["selector"].get("matchLabels")):
            problem(f"PodDisruptionBudget/{n}", "selects no pod")
    for n, doc in policies.items():
        if doc["spec"]["podSelector"] and not selected(doc["spec"]["podSelector"].get("matchLabels")):
            problem(f"NetworkPolicy/{n}", "selects no pod")
    for n, doc in hpas.items():
        target = doc["spec"]["scaleTargetRef"]
        if target.get("kind") != "Deployment" or target.get("name") not in deployments:
            problem(f"HorizontalPodAutoscaler/{n}", f"scales {target.get('kind')}/{target.get('name')}, not a Deployment here")
    if len(ingresses) != 1:
        problem(manifests, f"{len(ingresses)} Ingress(es): the gateway's alone takes outside traffic")
    for n, doc in ingresses.items():
        for rule in doc["spec"].get("rules", []):
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                if backend["name"] != "gateway":
                    problem(f"Ingress/{n}", f"sends traffic to {backend['name']}: only the gateway is exposed")
                ports = services.get(backend["name"], {}).get("spec", {}).get("ports", [])
                if not any(backend["port"].get("name") == p.get("name") or backend["port"].get("number") == p["port"] for p in ports):
                    problem(f"Ingress/{n}", f"Service {backend['name']} has no port {backend['port']}")

    # 3d. Each service as the issue asks: replicas, probes, limits, non-root, PDB, HPA, NetworkPolicy, its own database.
    for service, port in SERVICES.items():
        where = f"Deployment/{service}"
        doc = deployments.get(service)
        if doc is None:
            problem(manifests, f"no Deployment {service}")
            continue
        pod = doc["spec"]["template"]["spec"]
        container = pod["containers"][0]
        if doc["spec"].get("replicas", 1) < 2:
            problem(where, "fewer than 2 replicas")
        if (container.get("readinessProbe") or {}).get("httpGet", {}).get("path") != "/health":
            problem(where, "no readiness probe on /health")
        if not container.get("livenessProbe"):
            problem(where, "no liveness probe")
        for bound in ("requests", "limits"):
            if not {"cpu", "memory"} <= set((container.get("resources") or {}).get(bound, {})):
                problem(where, f"no cpu and memory {bound}")
        context = container.get("securityContext") or {}
        if not (pod.get("securityContext") or {}).get("runAsNonRoot") or not context.get("readOnlyRootFilesystem") \
                or context.get("allowPrivilegeEscalation") is not False:
            problem(where, "not non-root with a read-only root file system and no privilege escalation")
        if not any(p["containerPort"] == port for p in container.get("ports", [])):
            problem(where, f"does not expose port {port}")
        labels = doc["spec"]["template"]["metadata"]["labels"]
        if not any(selects(p["spec"]["selector"].get("matchLabels"), labels) for p in pdbs.values()):
            problem(where, "no PodDisruptionBudget")
        if not any(h["spec"]["scaleTargetRef"].get("name") == service and h["spec"].get("minReplicas", 1) >= 2 for h in hpas.values()):
            problem(where, "no HorizontalPodAutoscaler keeping 2 replicas at least")
        if not any(selects(s["spec"].get("selector"), labels) and any(p["port"] == port for p in s["spec"]["ports"]) for s in services.values()):
            problem(where, f"no Service on port {port}")
        if not any(selects(p["spec"]["podSelector"].get("matchLabels"), labels) and {"Ingress", "Egress"} <= set(p["spec"].get("policyTypes", []))
                   for p in policies.values()):
            problem(where, "no NetworkPolicy limiting its ingress and egress")
        # Who may come in: the gateway from the ingress controller, the others from the gateway; Prometheus.
        callers = ({"namespace": INGRESS_NAMESPACE} if service == "gateway" else {"pod": "gateway"}, {"namespace": MONITORING_NAMESPACE})
        for n, policy in policies.items():
            if not selects(policy["spec"]["podSelector"].get("matchLabels"), labels):
                continue
            for rule in policy["spec"].get("ingress", []):
                for peer in rule.get("from") or [{}]:
                    caller = {"pod": ((peer.get("podSelector") or {}).get("matchLabels") or {}).get("app.kubernetes.io/name"),
                              "namespace": ((peer.get("namespaceSelector") or {}).get("matchLabels") or {}).get("kubernetes.io/metadata.name")}
                    if "ipBlock" in peer or not any(all(caller[k] == v for k, v in allowed.items()) for allowed in callers):
                        problem(f"NetworkPolicy/{n}", f"lets {peer or 'anyone'} reach {service}")
        env = {v["name"]: v.get("value") for v in container.get("env", [])}
        database = databases.get(f"{service}-db")
        if database is None:
            problem(where, f"no CloudNativePG Cluster {service}-db of its own")
        elif not re.fullmatch(rf"postgres://{service}:[^@]+@{service}-db-rw:5432/{database['spec']['bootstrap']['initdb']['database']}(\?.*)?",
                              env.get("DATABASE_URL") or ""):
            problem(where, f"DATABASE_URL is not its own role on {service}-db-rw")
        elif database["spec"]["bootstrap"]["initdb"].get("owner") != service:
            problem(f"Cluster/{service}-db", f"not owned by the role {service}")
    for n, doc in databases.items():
        if doc["spec"].get("instances") != 3:
            problem(f"Cluster/{n}", "not a primary and two replicas (instances: 3)")
    if len(brokers) != 1 or any(b["spec"].get("replicas") != 3 for b in brokers.values()):
        problem(manifests, "the broker is not one RabbitmqCluster of three nodes")
    if len(databases) != len(SERVICES):
        problem(manifests, f"{len(databases)} database clusters for {len(SERVICES)} services")

    # 3e. docker-compose.yml and the manifests describe the same platform: the same variables for each
    # service (and the broker's setup), the same value where it does not depend on the host.
    compose = yaml.safe_load(open(compose_file, encoding="utf-8"))["services"]

    def same_environment(where, compose_env, container, extra=frozenset()):
        k8s_env = {v["name"]: v for v in container.get("env", [])}
        for key in sorted(set(compose_env) - set(k8s_env)):
            problem(where, f"{compose_file} sets {key}, the manifest does not")
        for key in sorted(set(k8s_env) - set(compose_env) - extra):
            problem(where, f"the manifest sets {key}, {compose_file} does not")
        for key, value in compose_env.items():
            value = str(value)
            for compose_host, k8s_host in HOSTS.items():
                value = value.replace(compose_host, k8s_host)
            if key in k8s_env and "$" not in value and "/run/secrets" not in value and "value" in k8s_env[key] \
                    and k8s_env[key]["value"] != value:
                problem(where, f"{key} is {k8s_env[key]['value']!r}, {compose_file} says {value!r}")

    for service in SERVICES:
        if service in deployments and service in compose:
            same_environment(f"Deployment/{service}", compose[service].get("environment") or {},
                             deployments[service]["spec"]["template"]["spec"]["containers"][0], URL_PARTS)
        elif service not in compose:
            problem(compose_file, f"no service {service}")
    if "broker-setup" in compose and "ece-broker-setup" in jobs:
        same_environment("Job/ece-broker-setup", compose["broker-setup"].get("environment") or {},
                         jobs["ece-broker-setup"]["spec"]["template"]["spec"]["containers"][0])
    else:
        problem(manifests, "no broker-setup (compose) and ece-broker-setup Job (manifests) to compare")
    script = (configmaps.get("ece-broker-users") or {}).get("data", {}).get("broker-users.sh")
    if script != open("scripts/broker-users.sh", encoding="utf-8").read():
        problem("ConfigMap/ece-broker-users", "broker-users.sh differs from scripts/broker-users.sh")


def broken_copies(manifests, compose_file, mutations):
    """Each line of `mutations` (file, pattern, replacement, expected, tab-separated) breaks a copy
    of the manifests or of the compose file; the check must fail on it with the expected problem."""
    failures, count = [], 0
    for number, line in enumerate(open(mutations, encoding="utf-8"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        file, pattern, replacement, expected = line.rstrip("\n").split("\t")
        count += 1
        with tempfile.TemporaryDirectory() as copy:
            shutil.copytree(manifests, os.path.join(copy, "manifests"))
            shutil.copy(compose_file, os.path.join(copy, "compose.yml"))
            target = os.path.join(copy, "compose.yml" if file == os.path.basename(compose_file) else os.path.join("manifests", file))
            text = open(target, encoding="utf-8").read()
            changed = re.sub(pattern, replacement.replace("\\n", "\n"), text, count=1, flags=re.MULTILINE)
            if changed == text:
                failures.append(f"{mutations}:{number}: {pattern!r} matches nothing in {file} any more")
                continue
            open(target, "w", encoding="utf-8").write(changed)
            problems, _ = check(os.path.join(copy, "manifests"), os.path.join(copy, "compose.yml"))
            if not any(expected in p for p in problems):
                failures.append(f"{mutations}:{number}: {file} with {pattern!r} -> {replacement!r} passes "
                                f"(expected a problem saying {expected!r}; got {problems[:3]})")
    return failures, count


if __name__ == "__main__":
    problems, counts = check(sys.argv[1], sys.argv[2])
    for line in problems:
        print("k8s-check: FAIL " + line, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"k8s-check: {counts['kubernetes']} Kubernetes resources valid against Kubernetes {KUBERNETES}, {counts['custom']} operators' "
          f"resources against schemas/, the five services as {sys.argv[2]} sets them, every Secret and ConfigMap named exists", flush=True)
    if len(sys.argv) > 3:
        # The check itself: each broken copy must fail it, for the reason it was broken.
        failures, count = broken_copies(sys.argv[1], sys.argv[2], sys.argv[3])
        for line in failures:
            print("k8s-check: FAIL " + line, file=sys.stderr)
        if failures:
            sys.exit(1)
        print(f"k8s-check: each of the {count} broken copies of {sys.argv[3]} fails the check, with the problem expected")
