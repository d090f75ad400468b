"""Scale-out on Ray Data: the Pipeline as a ``map_batches`` callable class. The only module importing ray.

One Dataset runs for the whole extraction. Its source is a single read task that takes the driver's batches
from a Ray queue as the driver reads them, so the input streams through and is never held whole; an actor
pool of ``num_actors`` ``PipelineActor`` builds the pipeline once per actor and maps the batches; the driver
takes the records back in input order (``preserve_order``) and stores each batch while the next ones run.
A Dataset per batch, as before, started a new actor pool each time (about 7 s of set-up per 64 documents).
"""
from __future__ import annotations

import logging
import os
import pickle
import re
from collections import deque
from typing import Any, Iterable, Iterator, Optional

from .config import Settings
from .errors import ConfigError, ResourceError
from .gctune import tune_worker
from .pipeline import Pipeline
from .types import Article, Record

_END = None  # put on the queue after the last batch: the read task returns, the Dataset finishes


class PipelineActor:
    """Ray Data callable class: heavy set-up once per actor, then batches in, batches out.

    A row is one batch of the driver's (pickled ``list[Article]``); it comes back as its pickled
    ``list[Record]``, so an actor sees the same batches, and gives the same records, as ``Pipeline`` does.
    """

    def __init__(self, settings_json: str):
        self.pipeline = Pipeline.from_settings(Settings.model_validate_json(settings_json))
        tune_worker()  # an actor only runs batches: see gctune

    def __call__(self, rows: dict[str, Any]) -> dict[str, list]:
        out = []
        for payload in rows["articles"]:
            articles: list[Article] = pickle.loads(payload)
            out.append(pickle.dumps(self.pipeline([Record(article=a) for a in articles])))
        return {"seq": list(rows["seq"]), "records": out}


def _feed_datasource(queue):
    """A Datasource of one read task that yields a one-row block per batch put on ``queue``, until ``_END``."""
    import pyarrow as pa
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask

    def read() -> Iterator[Any]:
        while (item := queue.get()) is not _END:
            seq, payload = item
            yield pa.table({"seq": [seq], "articles": pa.array([payload], pa.binary())})

    class Feed(Datasource):
        def estimate_inmemory_data_size(self) -> Optional[int]:
            return None  # unknown: the driver is still reading the input

        def get_read_tasks(self, parallelism: int, per_task_row_limit=None, data_context=None) -> list:
            # one task, whatever the parallelism asked: it keeps the driver's order
            return [ReadTask(read, BlockMetadata(num_rows=None, size_bytes=None, input_files=None,
                                                 exec_stats=None))]

    return Feed()


def connect(address: Optional[str] = None, num_cpus: Optional[int] = None, verbose: bool = False) -> bool:
    """Join a Ray cluster, or start a local one; True when this call started (and so must stop) Ray.

    Args:
        address: the cluster to join (``--ray-address``); without it ``RAY_ADDRESS`` is honoured, and with
            neither a local cluster of ``num_cpus`` CPUs (None: all of them) is started. An existing cluster
            brings its own CPUs, so ``num_cpus`` is passed only to a local one (Ray refuses it otherwise).
        verbose: show Ray's INFO logs, the workers' output and Ray Data's progress bars.
    """
    import ray

    if not verbose:
        quiet_data()
    if ray.is_initialized():
        return False
    address = address or os.environ.get("RAY_ADDRESS") or None
    # "local": a new cluster even when `ray start` ran on this machine (plain ray.init() would join that one,
    # and refuse num_cpus)
    where: dict[str, Any] = {"address": address} if address else {"address": "local", "num_cpus": num_cpus,
                                                                    "include_dashboard": False}
    try:
        ray.init(**where, log_to_driver=verbose, logging_level=logging.INFO if verbose else logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as e:
        raise ResourceError(f"cannot {'join the Ray cluster at ' + address if address else 'start a local Ray'}"
                            f" ({e}). Check that `ray status` answers there, or extract with --workers N",
                            code="E232") from e
    return True


def quiet_data() -> None:
    """No Ray Data progress bars or per-Dataset INFO lines on the user's terminal: this process's Ray Data
    context and loggers are set so, for its later Datasets too (a CLI run; --verbose leaves them be)."""
    import ray

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    # the progress logger's own warning that the bars are off, and its INFO lines when stderr is no terminal
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)


def _last_error(e: Exception) -> str:
    """What failed in an actor ("ResourceError: [E202] spaCy model ..."): Ray gives the driver the actor's
    whole traceback as the message, and its last ``SomeError: ...`` line says it."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"[\w.]+(Error|Exception): ", line)]
    line = raised[-1] if raised else (lines[-1] if lines else type(e).__name__)
    name, sep, message = line.partition(": ")
    return f"{name.rpartition('.')[2]}: {message}" if sep else line


class RayPipeline:
    """A drop-in for ``Pipeline`` whose batches run on ``num_actors`` Ray Data actors of one Dataset.

    Use as a context manager. ``map_ordered`` keeps up to two batches per actor in flight while the caller
    stores the earlier ones; ``__call__(records)`` computes one batch. Ray is joined at ``address`` (or
    ``RAY_ADDRESS``), else started locally with ``num_actors`` CPUs, and stopped on exit if started here.
    """

    def __init__(self, settings: Settings, *, num_actors: int = 2, address: Optional[str] = None,
                 verbose: bool = False):
        self.settings, self.num_actors, self.address, self.verbose = settings, num_actors, address, verbose
        self._started_here = False
        self._queue = None
        self._rows: Optional[Iterator[dict]] = None
        self._seq = 0  # the number of the next batch put on the queue

    def __enter__(self) -> "RayPipeline":
        """Starts the Dataset and returns once an actor has built its pipeline and mapped an empty batch,
        so that set-up errors (a missing model, eventcoder not installed on the cluster) surface here."""
        import ray
        from ray.util.queue import Queue

        self._started_here = connect(self.address, self.num_actors or None, self.verbose)
        cpus = int(ray.cluster_resources().get("CPU", 0))
        if self.num_actors > cpus:
            self.__exit__()
            raise ConfigError(f"--ray {self.num_actors} asks for {self.num_actors} actors of one CPU each, but the "
                              f"Ray cluster has {cpus} CPUs. Pass --ray {cpus} or fewer (or --ray-address alone: "
                              "one actor per CPU)", code="E107")
        self.num_actors = self.num_actors or max(cpus, 1)
        self._queue = Queue(actor_options={"num_cpus": 0})
        self._rows = self._stream(self._dataset())
        try:
            self._result(self._submit([]))
        except Exception as e:  # noqa: BLE001 - whatever the actors raised, told with the fix
            self.__exit__()
            raise ResourceError(f"the Ray actors could not build the pipeline ({_last_error(e)}). Run "
                                "`eventcoder check` on the cluster's nodes (eventcoder and the settings' plugins "
                                "must be installed there), or extract without --ray to see it here",
                                code="E231") from e
        return self

    def _dataset(self):
        """The run's one Dataset: the queue's batches through an actor pool, in order, each passed on at once."""
        import ray

        ctx = ray.data.DataContext.get_current()
        saved = ctx.target_max_block_size, ctx.execution_options.preserve_order
        # The Dataset copies the context when made. A block is one batch: the smallest target size passes each
        # on at once, where the default 128 MiB would buffer a whole run's batches before the first is mapped.
        ctx.target_max_block_size, ctx.execution_options.preserve_order = 1, True
        try:
            # One block, not the split into 200 Ray Data makes of a source of unknown size (it waits for the
            # read to end). The read task only waits on the queue: no CPU, so the actors get every CPU, and a
            # request unlike the actors' keeps Ray Data from fusing the read into one actor.
            return ray.data.read_datasource(_feed_datasource(self._queue), num_cpus=0, override_num_blocks=1) \
                .map_batches(PipelineActor, fn_constructor_args=(self.settings.model_dump_json(),),
                             batch_size=None, compute=ray.data.ActorPoolStrategy(size=self.num_actors), num_cpus=1,
                             batch_format="pyarrow")
        finally:
            ctx.target_max_block_size, ctx.execution_options.preserve_order = saved

    @staticmethod
    def _stream(ds) -> Iterator[dict]:
        # No prefetch: with it, iter_batches hands out a block only once the next one is ready, and the next
        # batch is put on the queue only after this one is taken (the first one waits forever)
        for block in ds.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=0):
            yield from block.to_pylist()

    def __exit__(self, *exc) -> None:
        import ray

        if self._queue is not None:
            self._queue.put(_END)
            if self._rows is not None:
                self._rows.close()  # stops the Dataset (and its actors) even with batches still in flight
            ray.kill(self._queue.actor)
            self._queue, self._rows = None, None
        if self._started_here:
            ray.shutdown()
            self._started_here = False

    def _submit(self, articles: list[Article]) -> int:
        """Put a batch on the queue; its number, to take its records back with."""
        if self._queue is None:
            raise RuntimeError("RayPipeline used outside its `with` block")
        self._queue.put((self._seq, pickle.dumps(articles)))
        self._seq += 1
        return self._seq - 1

    def _result(self, seq: int) -> list[Record]:
        """The records of batch ``seq``. Those of earlier batches that nobody waits for (a run stopped early
        with batches in flight) come first, in order, and are dropped."""
        assert self._rows is not None
        while (row := next(self._rows))["seq"] < seq:
            pass
        if row["seq"] != seq:  # preserve_order makes this impossible; a lost batch must not pass unseen
            raise RuntimeError(f"Ray returned batch {row['seq']} where batch {seq} was due")
        return pickle.loads(row["records"])

    def __call__(self, records: list[Record]) -> list[Record]:
        """The batch's records as the actors return them (new objects: use the return value)."""
        return self._result(self._submit([r.article for r in records]))

    def map_ordered(self, items: Iterable[tuple[str, object]]) -> Iterator[tuple[str, object]]:
        """``("batch", [Article])`` items come back as ``("records", [Record])``; any other item passes
        through untouched, in its place in the input order."""
        window: deque[tuple[str, object]] = deque()  # batches by number, the other items as they came
        in_flight = 0
        for kind, payload in items:
            if kind == "batch":
                payload = self._submit(payload)
                in_flight += 1
            window.append((kind, payload))
            while window and (window[0][0] != "batch" or in_flight > 2 * self.num_actors):
                kind, payload = window.popleft()
                if kind == "batch":
                    in_flight -= 1
                    yield "records", self._result(payload)
                else:
                    yield kind, payload
        while window:
            kind, payload = window.popleft()
            yield ("records", self._result(payload)) if kind == "batch" else (kind, payload)


def extract_with_ray(articles: Iterable[Article], settings: Settings, *, num_actors: int = 2,
                     batch_size: int = 32, address: Optional[str] = None) -> list[Record]:
    """Run the pipeline over ``articles`` on a Ray cluster (a local one unless ``address`` is given).

    Returns:
        The records in the order of ``articles``.
    """
    def batches() -> Iterator[tuple[str, list[Article]]]:
        batch: list[Article] = []
        for a in articles:
            batch.append(a)
            if len(batch) >= batch_size:
                yield "batch", batch
                batch = []
        if batch:
            yield "batch", batch

    with RayPipeline(settings, num_actors=num_actors, address=address) as rp:
        return [r for _, records in rp.map_ordered(batches()) for r in records]
