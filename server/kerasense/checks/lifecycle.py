"""Model-level rules: a model that is never compiled, or compiled without a loss."""

from __future__ import annotations

from kerasense.checks.context import Context
from kerasense.facts.model import Model

TASK_BY_ACTIVATION = {
    "probability": "binary",
    "distribution": "multiclass",
    "linear": "regression",
}


def guess_task(model: Model) -> str | None:
    """The task a single head's shape and activation clearly point to, if any."""
    if len(model.heads) != 1:
        return None
    head = model.heads[0]
    task = TASK_BY_ACTIVATION.get(head.activation_kind or "")
    if task == "binary" and head.units != 1:
        return "multilabel" if head.units else None
    if task == "regression" and head.layer.family != "dense":
        return None
    return task


def check_lifecycle(model: Model, context: Context) -> None:
    if model.compile is None:
        if model.compiled_elsewhere or (
            not model.layers and model.kind == "sequential"
        ):
            return
        task = guess_task(model)
        fixes = [context.fixes.add_compile(model, task)] if task else []
        context.report(
            "KS111",
            model.range,
            "This model is never compiled in this file, so nothing picks a loss for its "
            "head. Compile it with the loss that matches the head.",
            fixes,
        )
        return
    compile_call = model.compile
    if not compile_call.has_loss and not model.custom_training:
        task = guess_task(model)
        loss = context.fixes.task_loss(task, model) if task else None
        context.report(
            "KS112",
            compile_call.range,
            "compile() has no loss, so fit() has nothing to minimise. Pass the loss that "
            "matches the head.",
            [context.fixes.add_loss(compile_call, loss)] if loss else [],
        )
