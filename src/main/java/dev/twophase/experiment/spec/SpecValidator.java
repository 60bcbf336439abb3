package dev.twophase.experiment.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.twophase.experiment.spec.JsonFields.Interval;

import java.util.List;
import java.util.Objects;

/**
 * Checks a submitted experiment spec (a JSON tree, so that wrong types are seen rather than
 * coerced), fills every default and reports all violations in one pass. Never throws on bad input.
 *
 * <p>Two defaults follow the run length: {@code optimizer.warmupSteps} is min(10, steps), and runs shorter
 * than 10,000 steps are measured every min(100, steps) steps, longer ones on the log-spaced
 * {@code measures.schedule}, so neither needs setting.
 */
public final class SpecValidator {

    static final int MAX_NAME_LENGTH = 200;
    static final int MIN_PERMUTATION_DEGREE = 3;
    static final int MAX_PERMUTATION_DEGREE = 5;
    private static final int DEFAULT_D_MODEL = 128;

    private static final String ROOT = "$";
    private static final List<String> ROOT_FIELDS =
            List.of("name", "tags", "external", "params", "task", "model", "optimizer", "training", "measures", "resources", "phases");
    private static final List<String> EXTERNAL_FIELDS = List.of("name", "tags", "external", "params", "phases");
    private static final List<String> PHASES_FIELDS = List.of("fittingThreshold", "generalizationThreshold",
            "generalizationOnsetFraction", "plateauTolerance", "smoothingWindow", "logHalfWidth", "maxLogHalfWidth",
            "minimumRelativeChange", "noiseMultiplier", "penaltyFactor");
    private static final List<String> TASK_FIELDS = List.of("type", "operation", "modulus", "n", "trainFraction", "seed");
    private static final List<String> TASK_TYPES = List.of(TaskSpec.MODULAR, TaskSpec.PERMUTATION);
    private static final List<String> OPERATIONS = List.of("add", "sub", "mul", TaskSpec.DIVISION, TaskSpec.FLOOR_DIVISION);
    private static final List<String> MODEL_FIELDS = List.of("type", "layers", "dModel", "heads", "dMlp", "activation");
    private static final List<String> OPTIMIZER_FIELDS =
            List.of("type", "learningRate", "weightDecay", "beta1", "beta2", "warmupSteps", "gradientFilter");
    private static final List<String> GRADIENT_FILTER_TYPES = List.of(GradientFilterSpec.EMA, GradientFilterSpec.MOVING_AVERAGE);
    static final int MAX_FILTER_WINDOW = 1000;
    /** 256 M floats = 1 GiB of moving-average window. */
    static final long MAX_FILTER_VALUES = 1L << 28;
    private static final List<String> TRAINING_FIELDS = List.of("steps", "batchSize", "seed");
    private static final List<String> MEASURES_FIELDS =
            List.of("every", "schedule", "mutualInformation", "localComplexity", "linearMappingNumber");
    private static final List<String> SCHEDULE_FIELDS = List.of("perDecade", "maxEvery");
    private static final List<String> ESTIMATORS =
            List.of(MutualInformationSpec.KDE, MutualInformationSpec.RENYI, MutualInformationSpec.BINNING);
    private static final List<String> NOISE_SCALES =
            List.of(MutualInformationSpec.SPHERE, MutualInformationSpec.ABSOLUTE, MutualInformationSpec.RELATIVE);
    private static final List<String> BINNING_FIELDS =
            List.of("estimator", "representation", "inputs", "bins", "range", "lower", "upper");
    private static final List<String> KDE_FIELDS = List.of("estimator", "representation", "inputs", "noiseVariance", "noiseScale", "probes");
    private static final List<String> REPRESENTATIONS = List.of(MutualInformationSpec.RESIDUAL_LAST, "mlp_hidden", "residual_all",
            MutualInformationSpec.ATTENTION_LAST);
    private static final List<String> INPUTS = List.of(MutualInformationSpec.TRAIN, "test", "all");
    private static final List<String> LOCAL_COMPLEXITY_FIELDS = List.of("directions", "radius", "points");
    private static final List<String> LINEAR_MAPPING_NUMBER_FIELDS = List.of("samples");
    private static final List<String> RESOURCES_FIELDS = List.of("device", "priority", "maxAttempts");

    private final SpecLimits limits;

    public SpecValidator(SpecLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public ValidationResult validate(JsonNode root) {
        JsonFields in = new JsonFields();
        if (root == null || !root.isObject()) {
            in.add(ROOT, "the spec must be a JSON object, got " + JsonFields.describe(root));
            return new ValidationResult(null, in.violations());
        }
        ObjectNode spec = (ObjectNode) root;
        in.rejectUnknown(spec, ROOT, ROOT_FIELDS);
        String name = name(in, spec);
        List<String> tags = Tags.read(in, spec);
        Boolean external = in.bool(spec, ROOT, "external", false);
        ObjectNode params = in.optionalObject(spec, ROOT, "params");
        checkParams(in, params);
        ExperimentSpec result = Boolean.TRUE.equals(external)
                ? externalRun(in, spec, name, params, tags)
                : trainedRun(in, spec, name, params, tags);
        return in.violations().isEmpty()
                ? new ValidationResult(result, List.of())
                : new ValidationResult(null, in.violations());
    }

    private static String name(JsonFields in, ObjectNode spec) {
        String name = in.string(spec, ROOT, "name");
        if (name == null) {
            return null;
        }
        String unprintable = JsonFields.unprintable(name, false);
        if (name.isBlank()) {
            in.add("$.name", "must not be blank");
        } else if (unprintable != null) {
            in.add("$.name", "must be printable text; it contains " + unprintable);
        } else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            in.add("$.name", "must be at most " + MAX_NAME_LENGTH + " characters, got "
                    + name.codePointCount(0, name.length()));
        }
        return name;
    }

    /**
     * {@code params} is stored as sent, so it is bounded in size, and its keys and strings must be text
     * PostgreSQL can store and every reader can print: no NUL or other control characters (tab and line
     * breaks are fine inside values), no unpaired surrogates.
     */
    private void checkParams(JsonFields in, ObjectNode params) {
        if (params == null) {
            return;
        }
        in.printableText(params, "$.params");
        int bytes = params.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > limits.maxParamsBytes()) {
            in.add("$.params", "is " + bytes + " bytes of JSON, more than this server's limit of "
                    + limits.maxParamsBytes() + " (twophase.limits.max-params-bytes)");
        }
    }

    private static ExperimentSpec externalRun(JsonFields in, ObjectNode spec, String name, ObjectNode params,
                                              List<String> tags) {
        for (String field : ROOT_FIELDS) {
            if (!EXTERNAL_FIELDS.contains(field)) {
                in.forbid(spec, ROOT, field, "not allowed for external runs: an external run has only "
                        + String.join(", ", EXTERNAL_FIELDS));
            }
        }
        ObjectNode phasesNode = in.section(spec, ROOT, "phases");
        return new ExperimentSpec(name, true, copy(params), null, null, null, null, null, null,
                phasesNode == null ? null : phases(in, phasesNode), tags);
    }

    private ExperimentSpec trainedRun(JsonFields in, ObjectNode spec, String name, ObjectNode params, List<String> tags) {
        TaskSpec task = null;
        if (JsonFields.value(spec, "task") == null) {
            in.add("$.task", "is required (unless \"external\" is true)");
        } else {
            ObjectNode taskNode = in.section(spec, ROOT, "task");
            task = taskNode == null ? null : task(in, taskNode);
        }
        ObjectNode modelNode = in.section(spec, ROOT, "model");
        ModelSpec model = modelNode == null ? null : model(in, modelNode);
        if (task != null && model != null) {
            checkParameterCount(in, task, model);
        }
        ObjectNode trainingNode = in.section(spec, ROOT, "training");
        TrainingSpec training = trainingNode == null ? null : training(in, trainingNode);
        long steps = training == null ? limits.maxSteps() : training.steps();
        ObjectNode optimizerNode = in.section(spec, ROOT, "optimizer");
        OptimizerSpec optimizer = optimizerNode == null ? null : optimizer(in, optimizerNode, steps);
        if (optimizer != null && task != null && model != null) {
            checkFilterWindowMemory(in, task, model, optimizer.gradientFilter());
        }
        ObjectNode measuresNode = in.section(spec, ROOT, "measures");
        MeasuresSpec measures = measuresNode == null ? null : measures(in, measuresNode, steps, model);
        ObjectNode resourcesNode = in.section(spec, ROOT, "resources");
        ResourcesSpec resources = resourcesNode == null ? null : resources(in, resourcesNode);
        if (task != null && model != null && training != null && measures != null) {
            checkCost(in, SpecCost.of(task, model, training, measures), model, training);
        }
        ObjectNode phasesNode = in.section(spec, ROOT, "phases");
        PhasesSpec phases = phasesNode == null ? null : phases(in, phasesNode);
        return new ExperimentSpec(name, false, copy(params), task, model, optimizer, training, measures, resources, phases,
                tags);
    }

    private TaskSpec task(JsonFields in, ObjectNode node) {
        String path = "$.task";
        in.rejectUnknown(node, path, TASK_FIELDS);
        String type = in.choice(node, path, "type", TASK_TYPES, null);
        boolean modular = TaskSpec.MODULAR.equals(type);
        boolean permutation = TaskSpec.PERMUTATION.equals(type);
        String operation = null;
        Integer modulus = null;
        Integer n = null;
        boolean complete = true;
        if (modular) {
            in.forbid(node, path, "n", "not allowed for modular tasks: n is the degree of a permutation task; use modulus");
            operation = in.choice(node, path, "operation", OPERATIONS, "add");
            modulus = in.int32(node, path, "modulus", null, 2, limits.maxModulus());
            complete = operation != null && modulus != null && divisionIsDefined(in, operation, modulus);
        } else if (permutation) {
            String reason = "not allowed for permutation tasks: S_n has one operation, composition; use n";
            in.forbid(node, path, "operation", reason);
            in.forbid(node, path, "modulus", reason);
            n = in.int32(node, path, "n", null, MIN_PERMUTATION_DEGREE, MAX_PERMUTATION_DEGREE);
            complete = n != null;
        }
        Double trainFraction = in.number(node, path, "trainFraction", permutation ? 0.5 : 0.3, Interval.open(0, 1));
        Long seed = in.integer(node, path, "seed", 1L, Long.MIN_VALUE, Long.MAX_VALUE);
        if (type == null || !complete || trainFraction == null || seed == null) {
            return null;
        }
        TaskSpec task = new TaskSpec(type, operation, modulus, n, trainFraction, seed);
        long train = task.trainPairCount();
        long test = task.pairCount() - train;
        if (train == 0 || test == 0) {
            in.add("$.task.trainFraction", "trainFraction " + trainFraction + " of the " + task.pairCount()
                    + " pairs gives " + train + " train and " + test + " test pairs; both splits need at least one pair");
        }
        return task;
    }

    /** Division mod p needs an inverse for every b != 0, which exists exactly when p is prime. */
    private static boolean divisionIsDefined(JsonFields in, String operation, int modulus) {
        if (!TaskSpec.DIVISION.equals(operation) || isPrime(modulus)) {
            return true;
        }
        in.add("$.task.modulus", "division modulo " + modulus + " is not well defined: " + modulus
                + " is not prime (some b have no inverse); use a prime modulus such as " + nextPrime(modulus));
        return false;
    }

    static boolean isPrime(int p) {
        // Miller-Rabin plus Lucas: exact for every int at this certainty.
        return p >= 2 && java.math.BigInteger.valueOf(p).isProbablePrime(50);
    }

    private static int nextPrime(int p) {
        int candidate = p + 1;
        while (!isPrime(candidate)) {
            candidate++;
        }
        return candidate;
    }

    private ModelSpec model(JsonFields in, ObjectNode node) {
        String path = "$.model";
        in.rejectUnknown(node, path, MODEL_FIELDS);
        String type = in.choice(node, path, "type", List.of("transformer"), "transformer");
        Integer layers = in.int32(node, path, "layers", 2, 1, limits.maxLayers());
        Integer dModel = in.int32(node, path, "dModel", DEFAULT_D_MODEL, 1, limits.maxDModel());
        Integer heads = in.int32(node, path, "heads", 4, 1, Integer.MAX_VALUE);
        int defaultDMlp = 4 * (dModel == null ? DEFAULT_D_MODEL : dModel);
        Integer dMlp = in.int32(node, path, "dMlp", defaultDMlp, 1, limits.maxDMlp());
        String activation = in.choice(node, path, "activation", List.of("gelu"), "gelu");
        if (dModel != null && heads != null && dModel % heads != 0) {
            in.add("$.model.heads", "dModel " + dModel + " is not divisible by heads " + heads
                    + ": each head gets dModel / heads dimensions");
            return null;
        }
        if (type == null || layers == null || dModel == null || heads == null || dMlp == null || activation == null) {
            return null;
        }
        return new ModelSpec(type, layers, dModel, heads, dMlp, activation);
    }

    private void checkParameterCount(JsonFields in, TaskSpec task, ModelSpec model) {
        long count = model.parameterCount(task.classes());
        if (count > limits.maxParameters()) {
            in.add("$.model", "the model would have " + count + " parameters for " + task.classes()
                    + " classes, more than the limit of " + limits.maxParameters() + "; reduce layers, dModel or dMlp");
        }
    }

    /** A step and a measurement pass are bounded in work and memory: they decide how long a cancel or a stop waits. */
    private void checkCost(JsonFields in, SpecCost cost, ModelSpec model, TrainingSpec training) {
        if (cost.stepFlops() > limits.maxStepFlops()) {
            in.add("$.training.batchSize", String.format(java.util.Locale.ROOT, "one training step would cost about %.2g "
                    + "floating-point operations (%d blocks of width %d, MLP %d, batch %d), more than this server's limit "
                    + "of %.2g (twophase.limits.max-step-flops); lower batchSize or the model's size", cost.stepFlops(),
                    model.layers(), model.dModel(), model.dMlp(), training.batchSize(), limits.maxStepFlops()));
        }
        if (cost.measureFlops() > limits.maxMeasureFlops()) {
            in.add("$.measures", String.format(java.util.Locale.ROOT, "one measurement pass would cost about %.2g "
                    + "floating-point operations (%s), more than this server's limit of %.2g "
                    + "(twophase.limits.max-measure-flops); use fewer or cheaper estimators, fewer inputs or probes, or a "
                    + "smaller model or task", cost.measureFlops(), String.join(", ", cost.parts()), limits.maxMeasureFlops()));
        }
        if (cost.measureBytes() > limits.maxMeasureBytes()) {
            in.add("$.measures", String.format(java.util.Locale.ROOT, "one measurement pass would hold about %d MiB of "
                    + "activations, more than this server's limit of %d MiB (twophase.limits.max-measure-memory); read "
                    + "fewer inputs or a narrower representation, or use a smaller model or task",
                    cost.measureBytes() >> 20, limits.maxMeasureBytes() >> 20));
        }
    }

    private TrainingSpec training(JsonFields in, ObjectNode node) {
        String path = "$.training";
        in.rejectUnknown(node, path, TRAINING_FIELDS);
        Long steps = in.integer(node, path, "steps", 10_000L, 1, limits.maxSteps());
        Integer batchSize = in.int32(node, path, "batchSize", 512, 1, limits.maxBatchSize());
        Long seed = in.integer(node, path, "seed", 42L, Long.MIN_VALUE, Long.MAX_VALUE);
        if (steps == null || batchSize == null || seed == null) {
            return null;
        }
        return new TrainingSpec(steps, batchSize, seed);
    }

    private static OptimizerSpec optimizer(JsonFields in, ObjectNode node, long steps) {
        String path = "$.optimizer";
        in.rejectUnknown(node, path, OPTIMIZER_FIELDS);
        String type = in.choice(node, path, "type", List.of("adamw"), "adamw");
        Double learningRate = in.number(node, path, "learningRate", 1e-3, Interval.leftOpen(0, 1));
        Double weightDecay = in.number(node, path, "weightDecay", 1.0, Interval.closed(0, 100));
        Double beta1 = in.number(node, path, "beta1", 0.9, Interval.rightOpen(0, 1));
        Double beta2 = in.number(node, path, "beta2", 0.98, Interval.rightOpen(0, 1));
        int maxWarmup = (int) Math.min(steps, Integer.MAX_VALUE);
        Integer warmupSteps = in.int32(node, path, "warmupSteps", Math.min(10, maxWarmup), 0, maxWarmup);
        ObjectNode filterNode = in.optionalObject(node, path, "gradientFilter");
        GradientFilterSpec filter = filterNode == null ? null : gradientFilter(in, filterNode);
        if (type == null || learningRate == null || weightDecay == null || beta1 == null || beta2 == null
                || warmupSteps == null || (filterNode != null && filter == null)) {
            return null;
        }
        return new OptimizerSpec(type, learningRate, weightDecay, beta1, beta2, warmupSteps, filter);
    }

    /** The MA filter keeps {@code window} copies of the gradient: bound them like the model itself. */
    private void checkFilterWindowMemory(JsonFields in, TaskSpec task, ModelSpec model, GradientFilterSpec filter) {
        if (filter == null || filter.window() == null) {
            return;
        }
        long values = model.parameterCount(task.classes()) * filter.window();
        if (values > MAX_FILTER_VALUES) {
            in.add("$.optimizer.gradientFilter.window", "keeps " + filter.window() + " gradients of "
                    + model.parameterCount(task.classes()) + " parameters (" + values + " values), more than "
                    + MAX_FILTER_VALUES + "; use a smaller window or the ema filter");
        }
    }

    private static GradientFilterSpec gradientFilter(JsonFields in, ObjectNode node) {
        String path = "$.optimizer.gradientFilter";
        in.rejectUnknown(node, path, List.of("type", "alpha", "window", "lambda"));
        String type = in.choice(node, path, "type", GRADIENT_FILTER_TYPES, null);
        if (type == null) {
            return null;
        }
        boolean ema = type.equals(GradientFilterSpec.EMA);
        in.forbid(node, path, ema ? "window" : "alpha", "does not apply to type \"" + type + "\"");
        Double alpha = ema ? in.number(node, path, "alpha", 0.98, Interval.open(0, 1)) : null;
        Integer window = ema ? null : in.int32(node, path, "window", 100, 1, MAX_FILTER_WINDOW);
        Double lambda = in.number(node, path, "lambda", ema ? 2.0 : 5.0, Interval.closed(0, 100));
        if ((ema && alpha == null) || (!ema && window == null) || lambda == null) {
            return null;
        }
        return new GradientFilterSpec(type, alpha, window, lambda);
    }

    private static MeasuresSpec measures(JsonFields in, ObjectNode node, long steps, ModelSpec model) {
        String path = "$.measures";
        in.rejectUnknown(node, path, MEASURES_FIELDS);
        int maxEvery = (int) Math.min(steps, Integer.MAX_VALUE);
        boolean everyGiven = JsonFields.value(node, "every") != null;
        boolean scheduleGiven = JsonFields.value(node, "schedule") != null;
        if (everyGiven && scheduleGiven) {
            in.add(path + ".schedule", "give either every (a fixed cadence) or schedule (log-spaced steps), not both");
            return null;
        }
        Integer every = null;
        MeasureScheduleSpec schedule = null;
        boolean logSpaced = scheduleGiven || (!everyGiven && steps >= MeasureScheduleSpec.DEFAULT_FROM_STEPS);
        if (logSpaced) {
            schedule = schedule(in, scheduleGiven ? in.section(node, path, "schedule") : null, path + ".schedule", maxEvery);
            if (schedule == null) {
                return null;
            }
        } else {
            every = in.int32(node, path, "every", Math.min(100, maxEvery), 1, maxEvery);
        }
        List<MutualInformationSpec> estimators = mutualInformation(in, node, path + ".mutualInformation");
        LocalComplexitySpec localComplexity = null;
        if (JsonFields.value(node, "localComplexity") != null) {
            ObjectNode lcNode = in.section(node, path, "localComplexity");
            localComplexity = lcNode == null ? null : localComplexity(in, lcNode, model);
            if (localComplexity == null) {
                return null;
            }
        }
        LinearMappingNumberSpec linearMappingNumber = null;
        if (JsonFields.value(node, "linearMappingNumber") != null) {
            ObjectNode lmnNode = in.section(node, path, "linearMappingNumber");
            String lmnPath = path + ".linearMappingNumber";
            Integer samples = lmnNode == null ? null : in.int32(lmnNode, lmnPath, "samples", 20, 2, 200);
            if (lmnNode != null) {
                in.rejectUnknown(lmnNode, lmnPath, LINEAR_MAPPING_NUMBER_FIELDS);
            }
            if (samples == null) {
                return null;
            }
            linearMappingNumber = new LinearMappingNumberSpec(samples);
        }
        if ((every == null && schedule == null) || estimators == null) {
            return null;
        }
        return new MeasuresSpec(every, schedule, estimators, localComplexity, linearMappingNumber);
    }

    /** The log-spaced schedule; {@code node} null means all defaults. */
    private static MeasureScheduleSpec schedule(JsonFields in, ObjectNode node, String path, int maxEvery) {
        if (node == null) {
            return new MeasureScheduleSpec(MeasureScheduleSpec.DEFAULT_PER_DECADE,
                    Math.min(MeasureScheduleSpec.DEFAULT_MAX_EVERY, maxEvery));
        }
        in.rejectUnknown(node, path, SCHEDULE_FIELDS);
        Integer perDecade = in.int32(node, path, "perDecade", MeasureScheduleSpec.DEFAULT_PER_DECADE, 1, 1000);
        Integer gap = in.int32(node, path, "maxEvery", Math.min(MeasureScheduleSpec.DEFAULT_MAX_EVERY, maxEvery), 1, maxEvery);
        return perDecade == null || gap == null ? null : new MeasureScheduleSpec(perDecade, gap);
    }

    /** One estimator object or a list of them; absent means one kde estimator with its defaults. */
    private static List<MutualInformationSpec> mutualInformation(JsonFields in, ObjectNode measures, String path) {
        JsonNode value = JsonFields.value(measures, "mutualInformation");
        if (value == null) {
            return List.of(MutualInformationSpec.defaultEstimator());
        }
        if (value.isObject()) {
            MutualInformationSpec one = estimator(in, (ObjectNode) value, path);
            if (one != null && !one.measuresInformation()) {
                in.add(path, "relative noise gives a clustering index (clustering_tx), not I(T;X); list it after an "
                        + "I(T;X) estimator (sphere or absolute noise, or binning), which writes mi_tx");
                return null;
            }
            return one == null ? null : List.of(one);
        }
        if (!value.isArray() || value.isEmpty()) {
            in.add(path, "must be an estimator object or a non-empty list of them, got " + JsonFields.describe(value));
            return null;
        }
        List<MutualInformationSpec> estimators = new java.util.ArrayList<>();
        java.util.Set<String> series = new java.util.HashSet<>();
        boolean complete = true;
        for (int i = 0; i < value.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode element = value.get(i);
            if (!element.isObject()) {
                in.add(at, "must be an estimator object, got " + JsonFields.describe(element));
                complete = false;
                continue;
            }
            MutualInformationSpec one = estimator(in, (ObjectNode) element, at);
            if (one == null) {
                complete = false;
            } else if (i == 0 && !one.measuresInformation()) {
                in.add(at, "the first estimator writes mi_tx, but relative noise gives a clustering index "
                        + "(clustering_tx), not I(T;X): put an I(T;X) estimator (sphere or absolute noise, or binning) first");
                complete = false;
            } else if (!series.add(one.txSeries(""))) {
                in.add(at, "repeats estimator \"" + one.estimator() + "\"" + (one.noiseScale() == null ? "" : " with "
                        + one.noiseScale() + " noise") + " on the same representation and inputs;"
                        + " each such combination writes one series");
                complete = false;
            } else {
                estimators.add(one);
            }
        }
        return complete ? List.copyOf(estimators) : null;
    }

    private static MutualInformationSpec estimator(JsonFields in, ObjectNode node, String path) {
        String estimator = in.choice(node, path, "estimator", ESTIMATORS, MutualInformationSpec.KDE);
        if (estimator == null) {
            return null;
        }
        boolean binning = MutualInformationSpec.BINNING.equals(estimator);
        in.rejectUnknown(node, path, binning ? BINNING_FIELDS : KDE_FIELDS);
        String representation = in.choice(node, path, "representation", REPRESENTATIONS, MutualInformationSpec.RESIDUAL_LAST);
        String inputs = in.choice(node, path, "inputs", INPUTS, MutualInformationSpec.TRAIN);
        if (binning) {
            boolean bounded = MutualInformationSpec.ATTENTION_LAST.equals(representation);
            Integer bins = in.int32(node, path, "bins", 30, 2, 1000);
            // Bounded representations have fixed edges by default; unbounded ones have none to fix.
            String range = in.choice(node, path, "range", List.of(MutualInformationSpec.FIXED, MutualInformationSpec.ADAPTIVE),
                    bounded ? MutualInformationSpec.FIXED : MutualInformationSpec.ADAPTIVE);
            Double lower = null;
            Double upper = null;
            if (MutualInformationSpec.FIXED.equals(range)) {
                lower = in.number(node, path, "lower", bounded ? 0.0 : -1.0, Interval.closed(-1e6, 1e6));
                upper = in.number(node, path, "upper", 1.0, Interval.closed(-1e6, 1e6));
                if (lower != null && upper != null && lower >= upper) {
                    in.add(path + ".upper", "must exceed lower (" + lower + "), got " + upper);
                    return null;
                }
            } else if (range != null) {
                String reason = "only for \"range\": \"fixed\"; an adaptive range takes the layer's min..max";
                in.forbid(node, path, "lower", reason);
                in.forbid(node, path, "upper", reason);
            }
            if (representation == null || inputs == null || bins == null || range == null
                    || (MutualInformationSpec.FIXED.equals(range) && (lower == null || upper == null))) {
                return null;
            }
            return new MutualInformationSpec(estimator, representation, inputs, bins, range, lower, upper, null, null, null);
        }
        String noiseScale = in.choice(node, path, "noiseScale", NOISE_SCALES, MutualInformationSpec.SPHERE);
        Double noiseVariance = noiseScale == null ? null : in.number(node, path, "noiseVariance",
                MutualInformationSpec.defaultNoise(noiseScale), Interval.leftOpen(0, 1e6));
        Integer probes = in.int32(node, path, "probes", MutualInformationSpec.DEFAULT_PROBES, 1, 100_000);
        if (representation == null || inputs == null || noiseScale == null || noiseVariance == null || probes == null) {
            return null;
        }
        return new MutualInformationSpec(estimator, representation, inputs, null, null, null, null, noiseVariance, noiseScale, probes);
    }

    private static LocalComplexitySpec localComplexity(JsonFields in, ObjectNode node, ModelSpec model) {
        String path = "$.measures.localComplexity";
        in.rejectUnknown(node, path, LOCAL_COMPLEXITY_FIELDS);
        // The real bound is the embedding width, checked below against the model.
        Integer directions = in.int32(node, path, "directions", 25, 1, Integer.MAX_VALUE);
        Double radius = in.number(node, path, "radius", 0.1, Interval.leftOpen(0, 10));
        Integer points = in.int32(node, path, "points", 50, 1, 1000);
        if (directions != null && model != null && directions > 3 * model.dModel()) {
            in.add(path + ".directions", "must be at most the embedding width 3·dModel = " + 3 * model.dModel()
                    + ", got " + directions);
            return null;
        }
        if (directions == null || radius == null || points == null) {
            return null;
        }
        return new LocalComplexitySpec(directions, radius, points);
    }

    private static PhasesSpec phases(JsonFields in, ObjectNode node) {
        String path = "$.phases";
        in.rejectUnknown(node, path, PHASES_FIELDS);
        PhasesSpec d = PhasesSpec.defaults();
        Double fitting = in.number(node, path, "fittingThreshold", d.fittingThreshold(), Interval.closed(0, 1));
        Double generalization = in.number(node, path, "generalizationThreshold", d.generalizationThreshold(), Interval.closed(0, 1));
        Double onset = in.number(node, path, "generalizationOnsetFraction", d.generalizationOnsetFraction(), Interval.rightOpen(0, 1));
        Double plateau = in.number(node, path, "plateauTolerance", d.plateauTolerance(), Interval.closed(0, 1));
        Integer window = in.int32(node, path, "smoothingWindow", d.smoothingWindow(), 1, 101);
        Double logHalfWidth = in.number(node, path, "logHalfWidth", d.logHalfWidth(), Interval.closed(0, 5));
        Double maxLogHalfWidth = in.number(node, path, "maxLogHalfWidth",
                Math.max(d.maxLogHalfWidth(), logHalfWidth == null ? 0 : logHalfWidth), Interval.closed(0, 5));
        Double relative = in.number(node, path, "minimumRelativeChange", d.minimumRelativeChange(), Interval.closed(0, 1));
        Double noise = in.number(node, path, "noiseMultiplier", d.noiseMultiplier(), Interval.closed(0, 100));
        Double penalty = in.number(node, path, "penaltyFactor", d.penaltyFactor(), Interval.closed(0, 100));
        if (logHalfWidth != null && maxLogHalfWidth != null && maxLogHalfWidth < logHalfWidth) {
            in.add(path + ".maxLogHalfWidth", "must be at least logHalfWidth (" + logHalfWidth + "), got " + maxLogHalfWidth);
            return null;
        }
        if (fitting == null || generalization == null || onset == null || plateau == null || window == null
                || logHalfWidth == null || maxLogHalfWidth == null || relative == null || noise == null || penalty == null) {
            return null;
        }
        return new PhasesSpec(fitting, generalization, onset, plateau, window, logHalfWidth, maxLogHalfWidth, relative,
                noise, penalty);
    }

    private static ResourcesSpec resources(JsonFields in, ObjectNode node) {
        String path = "$.resources";
        in.rejectUnknown(node, path, RESOURCES_FIELDS);
        String device = in.choice(node, path, "device", List.of("cpu", "gpu"), "cpu");
        Integer priority = in.int32(node, path, "priority", 0, -100, 100);
        Integer maxAttempts = in.int32(node, path, "maxAttempts", 3, 1, 10);
        if (device == null || priority == null || maxAttempts == null) {
            return null;
        }
        return new ResourcesSpec(device, priority, maxAttempts);
    }

    private static ObjectNode copy(ObjectNode params) {
        return params == null ? null : params.deepCopy();
    }
}
