#!/usr/bin/python3
"""The original system's search-by-photo request path, re-created as the peer for bench:search.

Flask + Pillow + PyTorch + psycopg2, all from Debian packages (python3-flask python3-pil
python3-torch python3-psycopg2 python3-numpy). What the original did per request:

  upload -> PIL.Image.open -> model.encode(image) (sentence-transformers' CLIP: CLIPProcessor's
  resize shortest side to 224 bicubic, center crop 224, /255, normalize, then the vision tower +
  projection in fp32, torch.no_grad) -> psycopg2:
  `select ... order by embedding <=> %s limit 50` on the pgvector server -> keep similarity >= 0.3
  -> the products of those images from the catalog -> JSON.

sentence-transformers and transformers are not packaged for Debian, so the model is the same
random-weight ViT-B/32 that bench/models/make-clip-vit-random.py exports to ONNX for our side
(its module is imported: same architecture, same seed, same weights), and CLIPProcessor's steps
are written out with Pillow and torch as transformers performs them.

Vectors live in a table of the original's shape (`peer_embeddings`: id, product_id,
embedding vector(512), an HNSW index with vector_cosine_ops) in the bench database, filled by
bench:search from our own index of the same images with the same model.

  python3 bench/peer/app.py --dsn postgresql://postgres@127.0.0.1:5432/vitrina_bench --port 0
Prints "listening <port>" on stdout once it serves. Served by Flask's own threaded server, as
`app.run()` does.
"""

import argparse
import importlib.util
import json
import os
import sys
import threading

import numpy as np
import psycopg2
import psycopg2.pool
import torch
from flask import Flask, jsonify, request
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLD = 0.3
LIMIT = 50


def load_model(config_dir: str):
    """The random ViT-B/32 of make-clip-vit-random.py, built by its own code and seed."""
    spec = importlib.util.spec_from_file_location("make_clip", os.path.join(HERE, "..", "models", "make-clip-vit-random.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with open(os.path.join(config_dir, "config.json")) as f:
        full = json.load(f)
    c = mod.Cfg(full["vision_config"], full["projection_dim"])
    torch.manual_seed(mod.SEED)
    model = mod.VisionTowerWithProjection(c).eval()
    mod.init_like_clip(model, c)
    with open(os.path.join(config_dir, "preprocessor_config.json")) as f:
        pre = json.load(f)
    return model, pre


class ClipPreprocess:
    """CLIPImageProcessor: RGB, resize shortest edge (bicubic), center crop, rescale, normalize."""

    def __init__(self, pre: dict):
        size = pre.get("size", 224)
        self.size = size["shortest_edge"] if isinstance(size, dict) else int(size)
        crop = pre.get("crop_size", self.size)
        self.crop = crop["height"] if isinstance(crop, dict) else int(crop)
        self.mean = np.array(pre["image_mean"], dtype=np.float32).reshape(3, 1, 1)
        self.std = np.array(pre["image_std"], dtype=np.float32).reshape(3, 1, 1)

    def __call__(self, img: Image.Image) -> torch.Tensor:
        img = img.convert("RGB")
        w, h = img.size
        s = self.size / min(w, h)
        img = img.resize((max(self.size, round(w * s)), max(self.size, round(h * s))), Image.BICUBIC)
        w, h = img.size
        left, top = (w - self.crop) // 2, (h - self.crop) // 2
        img = img.crop((left, top, left + self.crop, top + self.crop))
        x = np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0
        x = (x - self.mean) / self.std
        return torch.from_numpy(x).unsqueeze(0)


def create_app(dsn: str, config_dir: str) -> Flask:
    model, pre = load_model(config_dir)
    preprocess = ClipPreprocess(pre)
    pool = psycopg2.pool.ThreadedConnectionPool(1, 16, dsn)
    app = Flask("peer")
    lock = threading.Lock()  # counters only

    stats = {"requests": 0}

    def encode(img: Image.Image) -> np.ndarray:
        with torch.no_grad():
            return model(preprocess(img))[0].numpy()

    @app.post("/search")
    def search():
        f = request.files.get("image")
        if f is None:
            return jsonify({"error": "no image"}), 400
        img = Image.open(f.stream)
        emb = encode(img)
        vec = "[" + ",".join(repr(float(v)) for v in emb) + "]"
        conn = pool.getconn()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "select product_id, 1 - (embedding <=> %s::vector) as similarity from peer_embeddings "
                    "order by embedding <=> %s::vector limit %s",
                    (vec, vec, LIMIT),
                )
                hits = [(pid, sim) for pid, sim in cur.fetchall() if sim >= THRESHOLD]
                best: dict[int, float] = {}
                for pid, sim in hits:
                    best[pid] = max(sim, best.get(pid, -1.0))
                products = []
                if best:
                    cur.execute(
                        "select id, name, price from products where id = any(%s)",
                        (list(best.keys()),),
                    )
                    for pid, name, price in cur.fetchall():
                        products.append(
                            {"id": pid, "name": name, "price": float(price) if price is not None else None, "similarity": best[pid]}
                        )
                products.sort(key=lambda p: -p["similarity"])
            conn.commit()
        finally:
            pool.putconn(conn)
        with lock:
            stats["requests"] += 1
        return jsonify({"count": len(products), "results": products})

    @app.get("/health")
    def health():
        return jsonify({"ok": True, "requests": stats["requests"]})

    app.config["encode"] = encode
    return app


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--config-dir", required=True, help="folder with config.json and preprocessor_config.json")
    ap.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    app = create_app(args.dsn, args.config_dir)

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"listening {server.server_port} torch_threads {torch.get_num_threads()} torch {torch.__version__}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
