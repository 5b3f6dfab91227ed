package dev.zoft.federation.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zoft.federation.ClientCaps;
import dev.zoft.federation.DirectionCaps;
import dev.zoft.federation.SimulationConfig;
import dev.zoft.federation.method.DirectionSchedule;
import dev.zoft.federation.method.MethodKind;
import dev.zoft.federation.method.MethodSimulation;
import dev.zoft.federation.method.MethodSpec;
import dev.zoft.transformer.bert.MiniLm;
import dev.zoft.zo.estimate.BlockScales;
import dev.zoft.zo.estimate.FedSpzo;
import dev.zoft.zo.estimate.ZoSettings;
import dev.zoft.zo.plan.Budget;
import dev.zoft.zo.plan.LayerProfile;
import dev.zoft.zo.plan.PlanConstraints;
import dev.zoft.zo.plan.SplitPlan;
import dev.zoft.zo.plan.SplitPlanner;
import dev.zoft.zo.task.ClassifierOptions;
import dev.zoft.zo.task.EncoderClassifier;
import dev.zoft.zo.task.TrainableSubset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An experiment: a grid of methods × hyperparameters × Dirichlet α × seeds over one dataset and one
 * federation, read from a JSON file (comments allowed: {@code //} and {@code /* … *}{@code /}).
 *
 * <pre>
 * {
 *   "name": "demo",                        // names the output
 *   "data": "demo",                        // "demo" (bundled), or a GLUE SST-2 folder (train.tsv + dev.tsv),
 *                                          // relative to the spec file
 *   "federation": { "clients": 10, "perRound": 4, "localSteps": 2, "rounds": 20, "batch": 16,
 *                   "alpha": [0.5], "evalEvery": 5, "devSize": 0, "maxTokens": 64 },
 *                   // optional, with "lrDecay": false: "maxFlops": 2e13, "evalEveryFlops": 5e12
 *   "training": { "trainable": "top-1", "split": "auto", "lrDecay": true },
 *   "seeds": [1, 2, 3],
 *   "budgetFlops": 1e13,                   // optional: the table's fixed FLOP budget (default: the
 *                                          // smallest total any cell spent)
 *   "rows": "best",                        // optional: "best" (a row per method: its best setting, a
 *                                          // tuning grid) or "all" (a row per setting: an ablation)
 *   "targetAccuracy": 0.7267,              // optional: the "FLOPs to target" accuracy (default: the
 *                                          // best baseline's mean final accuracy), or one per α:
 *                                          // {"0.5": 0.7267, "0.1": 0.6995} (an α left out: the default)
 *   "methods": [                           // every list-valued field is a grid axis
 *     { "method": "fedspzo", "p1": 1, "p2": 4, "eps": 1e-3, "lr": [1e-3, 3e-4] },
 *     { "method": "decomfl", "p": 4, "eps": 1e-3, "lr": [1e-3, 3e-4] },
 *     { "method": "fedkseed", "k": 4096, "p": 1, "lr": [1e-3, 3e-4] }
 *   ]
 * }
 * </pre>
 * Method fields: {@code method} (fedzo, decomfl, fedkseed, fedkseed-pro, fedspzo, fedspzo-decoupled),
 * {@code p} (directions per step; for FedSPZO {@code p1}), {@code p2} (FedSPZO), {@code k} (FedKSeed pool,
 * default 4096), {@code eps} (default 1e-3), {@code lr} (required). Unknown keys are errors, so a typo
 * never silently runs the default.
 *
 * <p>Beyond the paper (every one optional; absent = the paper's setting, bit for bit):
 * <ul>
 *   <li>{@code clip} (every method): scalars {@code (L⁺ − L⁻)/2ε} clamped to [−clip, clip] before
 *       they are used or uploaded;</li>
 *   <li>{@code eps1}, {@code eps2} (FedSPZO; default {@code eps}): block 1's and block 2's ε;
 *       {@code lr1}, {@code lr2} (FedSPZO; default 1): factors on η for block 1 and block 2
 *       (see {@code FedSpzo} for what the nested estimate is with two ε);</li>
 *   <li>a direction-count schedule in place of a number for {@code p} (baselines) or {@code p2}
 *       (FedSPZO): {@code {"from": 2, "to": 8}}, linear over the run's rounds, rounded, or
 *       {@code {"rounds": [1, 50], "counts": [2, 4]}}, piecewise constant from each start round
 *       ({@link DirectionSchedule}).</li>
 * </ul>
 * A field the method does not take is an error. Each of these fields may also be a list (a grid axis).
 *
 * <p><b>Slow clients.</b> {@code "federation": {..., "slowClients": {"every": 3, "p1": 1, "p2": 2}}}
 * makes every 3rd client id (ids 2, 5, 8, …) a slow device that runs at most P1 = 1 block-1 and P2 = 2
 * block-2 directions of FedSPZO (nested or decoupled; each cap lowered to the round's count), and
 * {@code "p": 2} at most 2 of DeComFL's P directions. They run a sub-grid of the round's directions
 * with the same seeds and upload only those scalars; the server averages each scalar over the clients
 * that computed it ({@link DirectionCaps}, {@link ClientCaps}). FedZO and FedKSeed cells ignore it
 * (they are not shared-seed methods); the per-client cost rows show the slow clients' smaller FLOPs.
 *
 * <p><b>Budget-driven split.</b> {@code "split": "budget"} with {@code "budget": {"flopsPerStep": X}}
 * (or {@code flopsPerRound}, {@code secondsPerStep}, {@code secondsPerRound}; optional {@code maxP1},
 * {@code maxP2}, {@code minBlock2Share}, {@code allowFrozenBlock1}, defaults as in
 * {@link PlanConstraints#defaults()}) in {@code training} lets {@link SplitPlanner} choose the split and
 * FedSPZO's P1 and P2 on MiniLM's profile for the grid's trainable subset, batch, {@code maxTokens}
 * (the longest batch, so every batch fits) and {@code localSteps}. Precedence: the plan sets the
 * split for every cell and P1/P2 for every FedSPZO entry; a FedSPZO entry that also gives
 * {@code p1} or {@code p2} is an error, and the other methods keep their own {@code p}. A seconds
 * budget times MiniLM forwards on the machine that reads the spec, so its plan (and hence the cell
 * ids) can differ between machines; a FLOP budget is exact and the same everywhere.
 *
 * @param source      the spec file (for messages and relative paths)
 * @param name        the experiment's name
 * @param data        "demo" or a resolved folder
 * @param base        the federation and training settings shared by every cell (α, η, seed set per cell)
 * @param alphas      the α axis
 * @param seeds       the seed axis
 * @param methods     each method entry's grid: the method specs × learning rates
 * @param budgetFlops the fixed FLOP budget, or NaN
 * @param lrDecay     η decays linearly to 0 at the last round
 * @param stop        {@code federation.maxFlops} / {@code evalEveryFlops}: every cell stops after the round that
 *                    reaches the same forward FLOPs and is evaluated at the same FLOP marks, whatever its
 *                    method costs per round ({@code rounds} is then a cap)
 * @param everySetting   {@code "rows": "all"}: the report has a row per setting instead of each method's best
 * @param targets     the accuracy "FLOPs to target" counts to, per α (an α without one: the best
 *                    baseline's); see {@link #targetAccuracy(double)}
 */
public record ExperimentSpec(Path source, String name, String data, SimulationConfig base, List<Double> alphas,
                             List<Long> seeds, List<MethodGrid> methods, double budgetFlops, boolean lrDecay,
                             MethodSimulation.Budget stop, boolean everySetting, Map<Double, Double> targets) {

    /** One method entry's settings: every combination of its list-valued fields. */
    public record MethodGrid(List<MethodSpec> specs, List<Double> learningRates) {
    }

    private static final Set<String> TOP = Set.of("name", "data", "federation", "training", "seeds", "methods", "budgetFlops",
            "rows", "targetAccuracy");
    private static final Set<String> FEDERATION = Set.of("clients", "perRound", "localSteps", "rounds", "batch", "alpha",
            "evalEvery", "devSize", "maxTokens", "maxFlops", "evalEveryFlops", "slowClients");
    private static final Set<String> SLOW_CLIENTS = Set.of("every", "p", "p1", "p2");
    private static final Set<String> TRAINING = Set.of("trainable", "split", "lrDecay", "budget");
    private static final Set<String> BUDGET = Set.of("flopsPerStep", "flopsPerRound", "secondsPerStep", "secondsPerRound",
            "maxP1", "maxP2", "minBlock2Share", "allowFrozenBlock1");
    private static final Set<String> METHOD = Set.of("method", "p", "p1", "p2", "k", "eps", "lr",
            "eps1", "eps2", "lr1", "lr2", "clip");
    private static final Set<String> FEDSPZO_ONLY = Set.of("eps1", "eps2", "lr1", "lr2");
    private static final Set<String> LINEAR = Set.of("from", "to");
    private static final Set<String> PIECEWISE = Set.of("rounds", "counts");

    /** Reads and validates a spec file. */
    public static ExperimentSpec read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ExperimentSpecException(file, "not UTF-8 text");
        }
        ObjectMapper mapper = new ObjectMapper();
        mapper.enable(JsonParser.Feature.ALLOW_COMMENTS);
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ExperimentSpecException(file, "not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        }
        try {
            ExperimentSpec spec = parse(file, root);
            for (ExperimentCell c : spec.cells()) { // a grid that repeats a cell is refused here
                // Checked before any cell runs: results.csv stores names unquoted, and a finished cell that
                // could not be recorded would be lost.
                if (c.id().contains(",") || c.setting().contains(",")) {
                    throw new IllegalArgumentException("cell " + c.id() + " ('" + c.setting() + "') holds a comma, which "
                            + "results.csv cannot store");
                }
            }
            return spec;
        } catch (IllegalArgumentException e) {
            throw new ExperimentSpecException(file, e.getMessage());
        }
    }

    static ExperimentSpec parse(Path file, JsonNode root) {
        ObjectNode top = object(root, "the spec", TOP);
        String name = text(top, "name", "experiment");
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("name must be 1–64 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        String dataField = text(top, "data", "demo");
        String data = dataField.equals("demo") ? "demo"
                : (file.toAbsolutePath().getParent() == null ? Path.of(dataField) : file.toAbsolutePath().getParent().resolve(dataField))
                        .normalize().toString();
        ObjectNode fed = object(top.has("federation") ? top.get("federation") : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), "federation", FEDERATION);
        ObjectNode tr = object(top.has("training") ? top.get("training") : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), "training", TRAINING);
        List<Double> alphas = numbers(fed, "alpha", List.of(0.5));
        List<Long> seeds = new ArrayList<>();
        for (double s : numbers(top, "seeds", List.of(42.0))) {
            if (s != Math.rint(s)) {
                throw new IllegalArgumentException("seeds must be integers, got " + s);
            }
            seeds.add((long) s);
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("seeds repeat: " + seeds);
        }
        String split = tr.has("split") ? tr.get("split").asText() : "auto";
        Map<MethodKind, SplitPlan> plans = null;
        if (split.equals("budget")) {
            plans = budgetPlans(tr, top.get("methods"), TrainableSubset.parse(text(tr, "trainable", "top-1")),
                    integer(fed, "batch", 16), integer(fed, "maxTokens", 64), integer(fed, "localSteps", 2));
        } else if (tr.has("budget")) {
            throw new IllegalArgumentException("training.budget is read only with \"split\": \"budget\"");
        }
        int splitLayer = split.equals("auto") ? ClassifierOptions.AUTO_SPLIT
                : plans != null ? plans.values().iterator().next().split() : integer(tr, "split", 0);
        boolean decay = !tr.has("lrDecay") || bool(tr, "lrDecay");
        SimulationConfig base = SimulationConfig.builder()
                .clients(integer(fed, "clients", 10)).clientsPerRound(integer(fed, "perRound", 4))
                .localSteps(integer(fed, "localSteps", 2)).rounds(integer(fed, "rounds", 20))
                .batchSize(integer(fed, "batch", 16)).evalEvery(integer(fed, "evalEvery", 5))
                .devSize(integer(fed, "devSize", 0)).maxTokens(integer(fed, "maxTokens", 64))
                .trainable(TrainableSubset.parse(text(tr, "trainable", "top-1"))).splitLayer(splitLayer)
                .alpha(alphas.getFirst()).clientCaps(slowClients(fed)).build();
        if (!top.has("methods") || !top.get("methods").isArray() || top.get("methods").isEmpty()) {
            throw new IllegalArgumentException("'methods' must be a non-empty list");
        }
        List<MethodGrid> methods = new ArrayList<>();
        int i = 0;
        for (JsonNode m : top.get("methods")) {
            methods.add(method(object(m, "methods[" + i + "]", METHOD), i, base.rounds(), plans));
            i++;
        }
        double budget = top.has("budgetFlops") ? number(top.get("budgetFlops"), "budgetFlops") : Double.NaN;
        if (!Double.isNaN(budget) && !(budget > 0)) {
            throw new IllegalArgumentException("budgetFlops must be positive, got " + budget);
        }
        MethodSimulation.Budget stop = new MethodSimulation.Budget(flops(fed, "maxFlops"), flops(fed, "evalEveryFlops"));
        if (stop.maxFlops() > 0 && decay) {
            throw new IllegalArgumentException("federation.maxFlops stops a cell before its last round, so η would not "
                    + "reach the end of its decay: set training.lrDecay to false");
        }
        String rows = text(top, "rows", "best");
        if (!rows.equals("best") && !rows.equals("all")) {
            throw new IllegalArgumentException("'rows' must be \"best\" or \"all\", got '" + rows + "'");
        }
        return new ExperimentSpec(file, name, data, base, alphas, List.copyOf(seeds), List.copyOf(methods), budget, decay,
                stop, rows.equals("all"), targets(top.get("targetAccuracy"), alphas));
    }

    /**
     * The accuracy "FLOPs to target" counts to at Dirichlet {@code alpha}: the spec's
     * {@code targetAccuracy} (one for every α, or this α's entry), or NaN when it gives none, meaning
     * the best baseline's mean final accuracy.
     */
    public double targetAccuracy(double alpha) {
        return targets.getOrDefault(alpha, Double.NaN);
    }

    /** {@code targetAccuracy}: absent, one fraction for every α, or an object from α to fraction. */
    private static Map<Double, Double> targets(JsonNode node, List<Double> alphas) {
        Map<Double, Double> targets = new LinkedHashMap<>();
        if (node == null) {
            return Map.of();
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                double alpha;
                try {
                    alpha = Double.parseDouble(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("targetAccuracy's keys are α values, got '" + e.getKey() + "'");
                }
                if (!alphas.contains(alpha)) {
                    throw new IllegalArgumentException("targetAccuracy names α = " + e.getKey() + ", which is not in federation.alpha "
                            + alphas);
                }
                targets.put(alpha, fraction(number(e.getValue(), "targetAccuracy." + e.getKey())));
            }
        } else {
            double t = fraction(number(node, "targetAccuracy"));
            alphas.forEach(a -> targets.put(a, t));
        }
        return Map.copyOf(targets);
    }

    private static double fraction(double target) {
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("targetAccuracy is a fraction in (0, 1], got " + target);
        }
        return target;
    }

    /** {@code federation.slowClients}: every {@code every}-th client id capped at p / p1 / p2 (absent: none). */
    private static ClientCaps slowClients(ObjectNode fed) {
        if (!fed.has("slowClients")) {
            return ClientCaps.none();
        }
        ObjectNode s = object(fed.get("slowClients"), "federation.slowClients", SLOW_CLIENTS);
        if (!s.has("every")) {
            throw new IllegalArgumentException("federation.slowClients needs 'every' (every k-th client id is slow)");
        }
        if (!s.has("p") && !s.has("p1") && !s.has("p2")) {
            throw new IllegalArgumentException("federation.slowClients caps nothing: give p (DeComFL) and/or p1, p2 (FedSPZO)");
        }
        int every = integer(s, "every", 0);
        int p = integer(s, "p", DirectionCaps.UNCAPPED);
        int p1 = integer(s, "p1", DirectionCaps.UNCAPPED);
        int p2 = integer(s, "p2", DirectionCaps.UNCAPPED);
        try {
            return ClientCaps.every(every, new DirectionCaps(p, p1, p2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("federation.slowClients: " + e.getMessage());
        }
    }

    /** An optional FLOP count (a JSON number such as 2e13): 0 when absent. */
    private static long flops(ObjectNode n, String key) {
        if (!n.has(key)) {
            return 0;
        }
        double v = number(n.get(key), key);
        if (!(v >= 1) || v > 9e18) {
            throw new IllegalArgumentException("'" + key + "' must be a FLOP count between 1 and 9e18, got " + v);
        }
        return (long) v;
    }

    private static MethodGrid method(ObjectNode m, int index, int rounds, Map<MethodKind, SplitPlan> plans) {
        String where = "methods[" + index + "]";
        if (!m.has("method")) {
            throw new IllegalArgumentException(where + " has no 'method'");
        }
        MethodKind kind = MethodKind.parse(m.get("method").asText());
        if (kind.isFedSpzo() && m.has("p")) {
            throw new IllegalArgumentException(where + ": FedSPZO takes p1 and p2, not p");
        }
        if (!kind.isFedSpzo() && (m.has("p1") || m.has("p2"))) {
            throw new IllegalArgumentException(where + ": " + kind.specName() + " takes p, not p1/p2");
        }
        for (String key : FEDSPZO_ONLY) {
            if (!kind.isFedSpzo() && m.has(key)) {
                throw new IllegalArgumentException(where + ": " + kind.specName() + " has one block; '" + key
                        + "' is FedSPZO's (eps1, eps2, lr1, lr2)");
            }
        }
        boolean pooled = kind == MethodKind.FEDKSEED || kind == MethodKind.FEDKSEED_PRO;
        if (!pooled && m.has("k")) {
            throw new IllegalArgumentException(where + ": " + kind.specName() + " has no seed pool 'k'");
        }
        if (!m.has("lr")) {
            throw new IllegalArgumentException(where + " has no 'lr'");
        }
        // The scheduled count is P for the baselines and P2 for FedSPZO; P1 is always a number.
        List<Double> ps = kind.isFedSpzo() ? numbers(m, "p1", List.of(1.0)) : List.of(0.0);
        List<Count> counts = counts(m, kind.isFedSpzo() ? "p2" : "p", 4, rounds);
        if (kind.isFedSpzo() && plans != null) {
            if (m.has("p1") || m.has("p2")) {
                throw new IllegalArgumentException(where + ": with \"split\": \"budget\" the plan sets FedSPZO's p1 and p2; remove them");
            }
            SplitPlan plan = plans.get(kind);
            ps = List.of((double) plan.p1());
            counts = List.of(new Count(plan.p2(), null));
        }
        List<Double> ks = pooled ? numbers(m, "k", List.of((double) MethodSpec.DEFAULT_POOL)) : List.of(0.0);
        List<Double> eps = numbers(m, "eps", List.of(1e-3));
        List<Double> clips = numbers(m, "clip", List.of((double) ZoSettings.NO_CLIP));
        List<Double> eps1s = m.has("eps1") ? numbers(m, "eps1", null) : null;
        List<Double> eps2s = m.has("eps2") ? numbers(m, "eps2", null) : null;
        List<Double> lr1s = numbers(m, "lr1", List.of(1.0));
        List<Double> lr2s = numbers(m, "lr2", List.of(1.0));
        List<Double> lrs = numbers(m, "lr", null);
        for (double c : clips) {
            if (c != ZoSettings.NO_CLIP && (!(c > 0) || !Float.isFinite((float) c) || (float) c == 0)) {
                throw new IllegalArgumentException(where + ": clip must be a positive float, got " + c);
            }
        }
        List<MethodSpec> specs = new ArrayList<>();
        for (double p : ps) {
            for (Count count : counts) {
                for (double k : ks) {
                    for (double e : eps) {
                        float epsilon = (float) e;
                        MethodSpec base = kind.isFedSpzo()
                                ? new MethodSpec(kind, whole(p, "p1"), count.value(), 0, epsilon)
                                : new MethodSpec(kind, count.value(), 1, whole(k, "k"), epsilon);
                        if (count.schedule() != null) {
                            base = base.withSchedule(count.schedule());
                        }
                        List<BlockScales> scales = kind.isFedSpzo()
                                ? scales(eps1s == null ? List.of(e) : eps1s, eps2s == null ? List.of(e) : eps2s, lr1s, lr2s)
                                : List.of(base.scales());
                        for (BlockScales b : scales) {
                            for (double c : clips) {
                                specs.add(base.withScales(b).withClip((float) c));
                            }
                        }
                    }
                }
            }
        }
        for (double lr : lrs) {
            if (!(lr >= 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException(where + ": lr must be finite and ≥ 0, got " + lr);
            }
        }
        return new MethodGrid(List.copyOf(specs), List.copyOf(lrs));
    }

    /**
     * {@code "split": "budget"}: the plan ({@link SplitPlanner}) of every FedSPZO variant in the grid
     * for {@code training.budget} on MiniLM with the grid's trainable subset, batch and token limit
     * (FLOPs from the shapes; seconds by timing forwards on this machine). The cells share one split,
     * the best one for the first FedSPZO entry's variant; the other variant gets its best P1 and P2 at
     * that split.
     */
    private static Map<MethodKind, SplitPlan> budgetPlans(ObjectNode tr, JsonNode methods, TrainableSubset trainable, int batch,
                                                          int maxTokens, int localSteps) {
        if (!tr.has("budget")) {
            throw new IllegalArgumentException("\"split\": \"budget\" needs training.budget, e.g. {\"flopsPerStep\": 2e10}");
        }
        ObjectNode b = object(tr.get("budget"), "training.budget", BUDGET);
        List<String> given = Budget.KEYS.stream().filter(b::has).toList();
        if (given.size() != 1) {
            throw new IllegalArgumentException("training.budget needs exactly one of " + Budget.KEYS + ", got " + given);
        }
        Budget budget = Budget.parse(given.getFirst(), number(b.get(given.getFirst()), given.getFirst()));
        PlanConstraints d = PlanConstraints.defaults();
        PlanConstraints constraints = new PlanConstraints(integer(b, "maxP1", d.maxP1()), integer(b, "maxP2", d.maxP2()),
                b.has("minBlock2Share") ? number(b.get("minBlock2Share"), "minBlock2Share") : d.minBlock2Share(),
                b.has("allowFrozenBlock1") ? bool(b, "allowFrozenBlock1") : d.allowFrozenBlock1());
        List<MethodKind> kinds = new ArrayList<>();
        if (methods != null && methods.isArray()) {
            for (JsonNode m : methods) {
                if (m.isObject() && m.has("method")) {
                    MethodKind k = MethodKind.parse(m.get("method").asText());
                    if (k.isFedSpzo() && !kinds.contains(k)) {
                        kinds.add(k);
                    }
                }
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("\"split\": \"budget\" plans FedSPZO, but no method is fedspzo or fedspzo-decoupled");
        }
        ClassifierOptions options = ClassifierOptions.defaults().withTrainable(trainable).withMaxTokens(maxTokens);
        LayerProfile profile;
        if (budget.unit() == Budget.Unit.FLOPS) {
            profile = LayerProfile.flops(MiniLm.CONFIG, trainable, options.labelPrompts().size(), batch, maxTokens);
        } else {
            try (EncoderClassifier c = EncoderClassifier.miniLm(options)) {
                profile = LayerProfile.measureFull(c, batch, 3, 5);
            }
        }
        Map<MethodKind, SplitPlan> plans = new LinkedHashMap<>();
        SplitPlan first = SplitPlanner.plan(profile, budget, localSteps, variant(kinds.getFirst()), constraints);
        plans.put(kinds.getFirst(), first);
        for (MethodKind k : kinds.subList(1, kinds.size())) {
            plans.put(k, SplitPlanner.plan(profile, budget, localSteps, variant(k), constraints, first.split()));
        }
        return plans;
    }

    private static FedSpzo.Variant variant(MethodKind kind) {
        return kind == MethodKind.FEDSPZO_DECOUPLED ? FedSpzo.Variant.DECOUPLED : FedSpzo.Variant.NESTED;
    }

    /** Every combination of the per-block axes, in order ε1, ε2, λ1, λ2. */
    private static List<BlockScales> scales(List<Double> eps1s, List<Double> eps2s, List<Double> lr1s, List<Double> lr2s) {
        List<BlockScales> out = new ArrayList<>();
        for (double e1 : eps1s) {
            for (double e2 : eps2s) {
                for (double l1 : lr1s) {
                    for (double l2 : lr2s) {
                        out.add(new BlockScales((float) e1, (float) e2, l1, l2));
                    }
                }
            }
        }
        return out;
    }

    /** A direction count of the grid: a constant, or a schedule (then {@code value} is round 1's). */
    private record Count(int value, DirectionSchedule schedule) {
    }

    /** A count axis: numbers and schedule objects, alone or in a list. */
    private static List<Count> counts(ObjectNode n, String key, int dflt, int rounds) {
        if (!n.has(key)) {
            return List.of(new Count(dflt, null));
        }
        JsonNode v = n.get(key);
        if (v.isArray() && v.isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' is an empty list");
        }
        List<Count> out = new ArrayList<>();
        for (JsonNode x : v.isArray() ? v : List.of(v)) {
            if (x.isObject()) {
                DirectionSchedule s = schedule((ObjectNode) x, key, rounds);
                out.add(new Count(s.at(1), s));
            } else {
                out.add(new Count(whole(number(x, key), key), null));
            }
        }
        return List.copyOf(out);
    }

    /** {@code {"from": a, "to": b}} (linear over the run's rounds) or {@code {"rounds": [..], "counts": [..]}}. */
    private static DirectionSchedule schedule(ObjectNode o, String key, int rounds) {
        String what = "the schedule of '" + key + "'";
        if (o.has("from") || o.has("to")) {
            object(o, what, LINEAR);
            if (!o.has("from") || !o.has("to")) {
                throw new IllegalArgumentException(what + " needs both 'from' and 'to'");
            }
            return DirectionSchedule.linear(integer(o, "from", 0), integer(o, "to", 0), rounds);
        }
        object(o, what, PIECEWISE);
        if (!o.has("rounds") || !o.has("counts")) {
            throw new IllegalArgumentException(what + " needs 'from' and 'to', or 'rounds' and 'counts'");
        }
        return DirectionSchedule.piecewise(ints(o, "rounds"), ints(o, "counts"));
    }

    private static int[] ints(ObjectNode o, String key) {
        List<Double> v = numbers(o, key, null);
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = whole(v.get(i), key);
        }
        return out;
    }

    private static int whole(double v, String field) {
        if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " must be a whole number, got " + v);
        }
        return (int) v;
    }

    private static ObjectNode object(JsonNode n, String what, Set<String> allowed) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(what + " must be a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            String key = it.next().getKey();
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' in " + what + " (allowed: "
                        + allowed.stream().sorted().toList() + ")");
            }
        }
        return (ObjectNode) n;
    }

    private static String text(ObjectNode n, String key, String dflt) {
        if (!n.has(key)) {
            return dflt;
        }
        if (!n.get(key).isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return n.get(key).asText();
    }

    private static boolean bool(ObjectNode n, String key) {
        if (!n.get(key).isBoolean()) {
            throw new IllegalArgumentException("'" + key + "' must be true or false");
        }
        return n.get(key).asBoolean();
    }

    private static int integer(ObjectNode n, String key, int dflt) {
        if (!n.has(key)) {
            return dflt;
        }
        JsonNode v = n.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("'" + key + "' must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode v, String key) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number, got " + v);
        }
        return v.asDouble();
    }

    /** A number or a non-empty list of numbers. */
    private static List<Double> numbers(ObjectNode n, String key, List<Double> dflt) {
        if (!n.has(key)) {
            if (dflt == null) {
                throw new IllegalArgumentException("'" + key + "' is required");
            }
            return dflt;
        }
        JsonNode v = n.get(key);
        List<Double> out = new ArrayList<>();
        if (v.isArray()) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("'" + key + "' is an empty list");
            }
            for (JsonNode x : v) {
                out.add(number(x, key));
            }
        } else {
            out.add(number(v, key));
        }
        return List.copyOf(out);
    }

    /** Every cell of the grid, in a fixed order: α, then method entries in file order, settings, η, seeds. */
    public List<ExperimentCell> cells() {
        List<ExperimentCell> out = new ArrayList<>();
        for (double alpha : alphas) {
            for (MethodGrid g : methods) {
                for (MethodSpec s : g.specs()) {
                    for (double lr : g.learningRates()) {
                        for (long seed : seeds) {
                            out.add(new ExperimentCell(s, lr, alpha, seed));
                        }
                    }
                }
            }
        }
        long distinct = out.stream().map(ExperimentCell::id).distinct().count();
        if (distinct != out.size()) {
            throw new IllegalArgumentException("the grid repeats a cell (two method entries with the same settings)");
        }
        return out;
    }

    /** The simulation settings of a cell. */
    public SimulationConfig config(ExperimentCell cell) {
        return base.toBuilder().alpha(cell.alpha()).seed(cell.seed()).learningRate(cell.learningRate())
                .finalLearningRate(lrDecay ? 0 : Double.NaN).estimator(cell.spec().estimator()).build();
    }
}
