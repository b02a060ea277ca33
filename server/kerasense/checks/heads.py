"""Head rules: the final layer, its activation, the loss and the labels must agree."""

from __future__ import annotations

from kerasense.checks.context import Context
from kerasense.facts.model import Head, LossUse, Model
from kerasense.findings import Related
from kerasense.source.text import as_range

_NOT_PROBABILITIES = {"linear", "rectified", "bounded"}


def pairs(model: Model) -> list[tuple[Head, LossUse]]:
    """Each head with the loss applied to it, when that can be told."""
    if model.compile is None or not model.heads_known:
        return []
    losses = model.compile.losses
    heads = model.heads
    if len(losses) == 1 and losses[0].output is None:
        return [(head, losses[0]) for head in heads]
    if all(isinstance(use.output, int) for use in losses) and len(losses) == len(heads):
        return list(zip(heads, losses, strict=True))
    by_name = {use.output: use for use in losses if isinstance(use.output, str)}
    return [
        (head, by_name[head.output_name])
        for head in heads
        if head.output_name in by_name
    ]


def describe(head: Head) -> str:
    units = (
        f"{head.units} unit{'s' if head.units != 1 else ''}" if head.units else "units"
    )
    activation = head.activation.key if head.activation else "no activation"
    return f"{head.layer.name}({units}, {activation})"


def check_heads(model: Model, context: Context) -> None:
    paired = pairs(model)
    with_loss = {id(head) for head, _ in paired}
    for head in model.heads:
        _single_unit_softmax(head, model, context)
    for head, use in paired:
        _loss_against_head(head, use, model, context)
        _classes(head, use, model, context)
        _labels(use, model, context)
    for head in model.heads:
        if id(head) not in with_loss:
            _classes(head, None, model, context)
    _metrics(paired, model, context)


def _related_compile(model: Model) -> list[Related]:
    if model.compile is None:
        return []
    return [Related(model.compile.range, "the model is compiled here")]


def _related_head(head: Head) -> list[Related]:
    return [Related(head.range, f"the head: {describe(head)}")]


def _single_unit_softmax(head: Head, model: Model, context: Context) -> None:
    if head.units != 1 or head.activation_kind != "distribution":
        return
    fixes = context.fixes
    context.report(
        "KS101",
        head.range,
        "Softmax over a single unit always outputs 1.0, so this head predicts the same "
        "class for every input. A binary classifier uses sigmoid on one unit.",
        [
            fixes.set_activation(
                head, "sigmoid", "Use a sigmoid activation", preferred=True
            )
        ],
        _related_compile(model),
    )


def _loss_against_head(
    head: Head, use: LossUse, model: Model, context: Context
) -> None:
    loss = use.loss
    kind = head.activation_kind
    if loss is None or kind is None:
        return
    fixes = context.fixes
    related = _related_head(head)
    name = loss.spellings[0]

    if loss.kind == "crossentropy" and use.from_logits is True:
        if kind in ("distribution", "probability"):
            context.report(
                "KS105",
                use.range,
                f"{name} with from_logits=True, but the head already applies "
                f"{head.activation.key if head.activation else ''}: the activation would be "
                "applied twice (Keras 3's fit works around it with a warning; other uses "
                "of the loss do not).",
                [
                    fixes.drop_from_logits(use, preferred=True),
                    fixes.drop_activation(
                        head, "Remove the head's activation (output logits)"
                    ),
                ],
                related,
            )
        if head.units == 1 and loss.targets in ("one_hot", "integer"):
            _categorical_on_one_unit(head, use, context, related)
        return

    encoding = model.labels.encoding if model.labels is not None else None
    class_labels = encoding in ("one_hot", "integer")
    if loss.kind == "crossentropy" and use.from_logits is False:
        # On two softmax units with one-hot targets, binary crossentropy is the same
        # loss as categorical crossentropy: nothing to fix unless the targets are
        # class ids, which the loss would score against both units.
        two_classes = head.units == 2 and encoding in (None, "one_hot")
        if (
            loss.targets == "binary"
            and kind == "distribution"
            and head.units != 1
            and not two_classes
        ):
            single = fixes.task_loss("multiclass", model)
            context.report(
                "KS102",
                use.range,
                f"{name} scores each unit as an independent yes/no, but the softmax head "
                "makes the units compete. One class per sample: use "
                f"{single.spellings[0]}. Several labels per sample: use sigmoid.",
                [
                    fixes.set_loss(
                        use,
                        single.key,
                        f"Use {single.spellings[0]} (one class per sample)",
                        preferred=class_labels,
                    ),
                    fixes.set_activation(
                        head, "sigmoid", "Use sigmoid (several labels per sample)"
                    ),
                ],
                related,
            )
            return
        if loss.targets in ("one_hot", "integer") and head.units == 1:
            _categorical_on_one_unit(head, use, context, related)
            return
        if loss.targets in ("one_hot", "integer") and kind == "probability":
            context.report(
                "KS103",
                use.range,
                f"{name} expects a distribution over classes, but the sigmoid head scores "
                "each unit on its own. One class per sample: use softmax. Several labels "
                "per sample: use binary_crossentropy.",
                [
                    fixes.set_activation(
                        head, "softmax", "Use softmax (one class per sample)"
                    ),
                    fixes.set_loss(
                        use,
                        "binary_crossentropy",
                        "Use binary_crossentropy (several labels per sample)",
                    ),
                ],
                related,
            )
            return
        if kind in _NOT_PROBABILITIES:
            wanted = "sigmoid" if loss.targets == "binary" else "softmax"
            what = head.activation.key if head.activation else "no activation"
            fix_list = [
                fixes.set_activation(
                    head, wanted, f"Use a {wanted} activation", preferred=True
                )
            ]
            if kind == "linear":
                fix_list.append(fixes.add_from_logits(use))
            context.report(
                "KS104",
                use.range,
                f"{name} expects probabilities, but the head has {what}: Keras clips its "
                f"outputs silently. Use {wanted} on the head, or pass from_logits=True "
                "to the loss if the head outputs logits.",
                fix_list,
                related,
            )
        return

    if loss.kind == "regression":
        if kind == "distribution":
            context.report(
                "KS106",
                use.range,
                f"{name} is a regression loss, but the softmax head forces the outputs to "
                "sum to 1. A regression head has no activation.",
                [
                    fixes.drop_activation(
                        head,
                        "Remove the activation (regression)",
                        preferred=not class_labels,
                    ),
                    fixes.set_loss(
                        use,
                        fixes.task_loss("multiclass", model).key,
                        "Use a crossentropy loss (classification)",
                        preferred=class_labels,
                    ),
                ],
                related,
            )
        elif kind in ("probability", "bounded", "rectified") and head.activation:
            context.report(
                "KS107",
                use.range,
                f"{name} is a regression loss on a {head.activation.key} head, which "
                "limits the range the predictions can reach. Fine if the targets stay in "
                "that range; otherwise remove the activation.",
                [fixes.drop_activation(head, "Remove the activation", preferred=True)],
                related,
            )


def _categorical_on_one_unit(
    head: Head, use: LossUse, context: Context, related: list[Related]
) -> None:
    name = use.loss.spellings[0] if use.loss else "the loss"
    fixes = [
        context.fixes.set_loss(
            use,
            "binary_crossentropy",
            "Use binary_crossentropy (binary classification)",
            preferred=True,
        )
    ]
    context.report(
        "KS103",
        use.range,
        f"{name} on a head of one unit: with a single class the loss is always zero (or "
        "the labels fall out of range). Binary classification uses binary_crossentropy "
        "with sigmoid.",
        fixes,
        related,
    )


def _classes(head: Head, use: LossUse | None, model: Model, context: Context) -> None:
    classes, units = model.classes, head.units
    if not classes or units is None or head.units_node is None or classes < 2:
        return
    kind = head.activation_kind
    loss = use.loss if use else None
    if loss is not None and loss.kind != "crossentropy":
        return
    if loss is None and kind not in ("distribution", "probability"):
        return
    if units == 1 and (kind == "distribution" or classes == 2):
        return
    if units == classes:
        return
    origin = model.classes_origin or "the labels"
    context.report(
        "KS108",
        head.range,
        f"The head has {units} unit{'s' if units != 1 else ''} but {origin} gives "
        f"{classes} classes: a classifier needs one unit per class.",
        [context.fixes.set_units(head, classes)],
        _related_labels(model),
    )


def _related_labels(model: Model) -> list[Related]:
    if model.labels is None or model.labels.range is None:
        return []
    return [Related(model.labels.range, f"labels from {model.labels.origin}")]


def _labels(use: LossUse, model: Model, context: Context) -> None:
    labels, loss = model.labels, use.loss
    if labels is None or loss is None or labels.encoding is None:
        return
    fixes = context.fixes
    if labels.encoding == "one_hot" and loss.targets == "integer":
        context.report(
            "KS109",
            use.range,
            f"The labels are one-hot ({labels.origin}), but {loss.spellings[0]} expects "
            "integer class indices. Use categorical_crossentropy.",
            [
                fixes.set_loss(
                    use,
                    "categorical_crossentropy",
                    "Use categorical_crossentropy",
                    preferred=True,
                )
            ],
            _related_labels(model),
        )
    elif labels.encoding in ("integer", "binary") and loss.targets == "one_hot":
        context.report(
            "KS109",
            use.range,
            f"The labels are integer class indices ({labels.origin}), but "
            f"{loss.spellings[0]} expects one-hot vectors. Use "
            "sparse_categorical_crossentropy.",
            [
                fixes.set_loss(
                    use,
                    "sparse_categorical_crossentropy",
                    "Use sparse_categorical_crossentropy",
                    preferred=True,
                )
            ],
            _related_labels(model),
        )


def _regression(head: Head, use: LossUse) -> bool:
    """A regression loss on a head whose outputs are not probabilities: linear, or
    rectified like relu (sigmoid with mse may be a binary classifier)."""
    return (
        use.loss is not None
        and use.loss.kind == "regression"
        and head.activation_kind in ("linear", "rectified")
    )


def _metrics(
    paired: list[tuple[Head, LossUse]], model: Model, context: Context
) -> None:
    if model.compile is None or not paired:
        return
    for metric in model.compile.metrics:
        # A metric given for every output counts as a regression's only when every
        # output is one.
        meant = [
            (head, use)
            for index, (head, use) in enumerate(paired)
            if metric.output is None
            or metric.output == head.output_name
            or (metric.output == index and len(paired) == len(model.heads))
        ]
        regression = bool(meant) and all(_regression(head, use) for head, use in meant)
        if metric.kind == "accuracy" and regression:
            context.report(
                "KS110",
                metric.range,
                f'"{metric.name}" counts exact matches, which continuous targets almost '
                "never hit. Use mae or RootMeanSquaredError for a regression.",
                [context.fixes.replace_metric(metric, "mae")],
                [
                    Related(
                        as_range(context.source, model.compile.node),
                        "the regression loss is set here",
                    )
                ],
            )
