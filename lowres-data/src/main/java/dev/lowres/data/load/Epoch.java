package dev.lowres.data.load;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One epoch's batches, in order. Worker threads take batch indices in increasing order, each first taking a
 * free buffer, so at most {@link LoaderConfig#prefetch()} batches exist ahead of the consumer and the
 * consumer never waits on a batch that has no buffer. A batch is valid until the next call to
 * {@link #next()}, which hands its buffer back. Closing the epoch stops its workers.
 */
public final class Epoch implements Iterator<Batch>, AutoCloseable {
    private final Loader loader;
    private final int epoch;
    private final int[] order;
    private final int batches;
    private final BlockingQueue<Batch> free;
    private final ConcurrentHashMap<Integer, Batch> ready = new ConcurrentHashMap<>();
    private final AtomicInteger nextToClaim;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Thread[] workers;
    private final Thread prefetcher;
    private volatile Throwable failure;
    private volatile boolean closed;
    private int nextToReturn;
    private Batch current;

    Epoch(Loader loader, int epoch, int[] order, int startBatch, int batches) {
        this.loader = loader;
        this.epoch = epoch;
        this.order = order;
        this.batches = batches;
        this.nextToClaim = new AtomicInteger(startBatch);
        this.nextToReturn = startBatch;
        int buffers = Math.max(1, Math.min(loader.config().prefetch(), batches - startBatch));
        this.free = new ArrayBlockingQueue<>(buffers);
        for (int i = 0; i < buffers; i++) {
            free.add(loader.newBatch());
        }
        int threads = Math.min(loader.config().threads(), buffers);
        this.workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(this::work, "lowres-load-" + epoch + "-" + t);
            workers[t].setDaemon(true);
            workers[t].start();
        }
        if (loader.config().order() != EpochOrder.SHUFFLE) {
            prefetcher = new Thread(this::prefetch, "lowres-prefetch-" + epoch);
            prefetcher.setDaemon(true);
            prefetcher.start();
        } else {
            prefetcher = null;
        }
    }

    private void work() {
        Loader.Worker worker = loader.newWorker();
        try {
            while (!closed) {
                Batch batch = free.take();
                int index = nextToClaim.getAndIncrement();
                if (index >= batches || closed) {
                    free.add(batch);
                    return;
                }
                loader.assemble(worker, epoch, order, index, batch);
                ready.put(index, batch);
                signal();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
            signal();
        }
    }

    /**
     * The sequential and quasi-random orders visit windows of contiguous regions; this reads each window's
     * regions front to back while the workers are still on the window before it, so the disk streams
     * instead of serving one page fault per record.
     */
    private void prefetch() {
        SplitView view = loader.view();
        int region = Math.max(1, EpochOrder.REGION_BYTES / view.shape().bytesPerImage());
        int window = Math.max(1, region * EpochOrder.WINDOW_REGIONS / loader.config().worldSize());
        int batchSize = loader.config().batchSize();
        java.util.BitSet regions = new java.util.BitSet();
        try {
            for (int w = nextToClaim.get() * batchSize / window; !closed && (long) w * window < order.length; w++) {
                while (!closed && (long) nextToClaim.get() * batchSize < (long) (w - 1) * window) {
                    Thread.sleep(1);
                }
                regions.clear();
                for (int i = w * window; i < Math.min(order.length, (w + 1) * window); i++) {
                    regions.set(order[i] / region);
                }
                for (int r = regions.nextSetBit(0); r >= 0 && !closed; r = regions.nextSetBit(r + 1)) {
                    view.prefetch(r * region, Math.min(view.size(), (r + 1) * region));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal() {
        lock.lock();
        try {
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The epoch's number. */
    public int epoch() {
        return epoch;
    }

    /** Batches in the epoch (for this rank). */
    public int batches() {
        return batches;
    }

    /** The index of the batch the next call returns. */
    public int position() {
        return nextToReturn;
    }

    @Override
    public boolean hasNext() {
        return !closed && nextToReturn < batches;
    }

    /**
     * The next batch; the previous one's buffer is reused from now on.
     *
     * @throws IllegalStateException when a worker failed (with its exception as the cause)
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
        }
        if (current != null) {
            free.add(current);
            current = null;
        }
        int want = nextToReturn;
        lock.lock();
        try {
            Batch batch;
            while ((batch = ready.remove(want)) == null) {
                if (failure != null) {
                    throw new IllegalStateException("loading batch " + want + " of epoch " + epoch + " failed: "
                            + failure, failure);
                }
                if (closed) {
                    throw new IllegalStateException("the epoch was closed");
                }
                arrived.awaitNanos(100_000_000L);
            }
            current = batch;
            nextToReturn++;
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + want, e);
        } finally {
            lock.unlock();
        }
    }

    /** Stops the workers and waits for them; batches already returned stay readable until then. */
    @Override
    public void close() {
        closed = true;
        loader.closed(this);
        for (Thread w : workers) {
            w.interrupt();
        }
        if (prefetcher != null) {
            prefetcher.interrupt();
        }
        try {
            if (prefetcher != null) {
                prefetcher.join(TimeUnit.SECONDS.toMillis(30));
            }
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(30));
                if (w.isAlive()) {
                    throw new IllegalStateException(w.getName() + " did not stop within 30 s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
