import path from 'node:path/posix';
import { SaxesParser } from 'saxes';
import type { ZipArchive, ZipEntryInfo } from './zip.archive.ts';

/** A picture placed over a sheet's cells: where its corners are, and the file it shows. */
export interface SheetPicture {
  /** 0-based cell of the top-left corner, with the offset into it in EMU */
  from: { col: number; colOff: number; row: number; rowOff: number };
  /** the bottom-right corner (two-cell anchors only) */
  to: { col: number; colOff: number; row: number; rowOff: number } | null;
  media: ZipEntryInfo;
}

interface XmlNode {
  /** the local name: `xdr:wsDr` and a default-namespace `wsDr` are the same element */
  name: string;
  /** attributes by local name (`r:embed` → `embed`) */
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/**
 * The pictures of every sheet of a workbook, read from its drawing parts directly: each producer
 * writes them its own way (Excel and LibreOffice with `xdr:` prefixes and relative targets,
 * openpyxl in the default namespace with absolute targets), and exceljs reads only the first kind —
 * on the others it fails to open the workbook at all. Sheet name → pictures.
 */
export async function readSheetPictures(zip: ZipArchive): Promise<Map<string, SheetPicture[]>> {
  const result = new Map<string, SheetPicture[]>();
  const workbook = await xmlOf(zip, 'xl/workbook.xml');
  if (!workbook) return result;
  const workbookRels = await relsOf(zip, 'xl/workbook.xml');
  for (const sheet of findAll(workbook, 'sheet')) {
    const sheetPath = workbookRels.get(sheet.attrs.id ?? '')?.target;
    if (!sheet.attrs.name || !sheetPath) continue;
    const sheetRels = await relsOf(zip, sheetPath);
    const pictures: SheetPicture[] = [];
    for (const rel of sheetRels.values()) {
      if (!rel.type.endsWith('/drawing')) continue;
      const drawing = await xmlOf(zip, rel.target);
      if (!drawing) continue;
      const drawingRels = await relsOf(zip, rel.target);
      for (const anchor of [...findAll(drawing, 'twoCellAnchor'), ...findAll(drawing, 'oneCellAnchor')]) {
        const from = corner(child(anchor, 'from'));
        if (!from) continue;
        const to = corner(child(anchor, 'to'));
        // one picture may appear twice (mc:AlternateContent's Choice and Fallback): once is enough
        const embeds = new Set(findAll(anchor, 'blip').map((b) => b.attrs.embed ?? ''));
        for (const embed of embeds) {
          const target = drawingRels.get(embed)?.target;
          const media = target ? zip.find(target) : null;
          if (media) pictures.push({ from, to, media });
        }
      }
    }
    result.set(sheet.attrs.name, pictures);
  }
  return result;
}

/** Whether the workbook has drawing parts (which exceljs must not be given). */
export function hasDrawings(zip: ZipArchive): boolean {
  return zip.entries.some((e) => /^xl\/(drawings|media)\//i.test(e.name));
}

function corner(node: XmlNode | undefined) {
  if (!node) return null;
  const n = (name: string) => Number(child(node, name)?.text.trim() ?? NaN);
  const value = { col: n('col'), colOff: n('colOff') || 0, row: n('row'), rowOff: n('rowOff') || 0 };
  return Number.isInteger(value.col) && Number.isInteger(value.row) ? value : null;
}

async function relsOf(zip: ZipArchive, part: string): Promise<Map<string, { type: string; target: string }>> {
  const relsPath = path.join(path.dirname(part), '_rels', `${path.basename(part)}.rels`);
  const xml = await xmlOf(zip, relsPath);
  const rels = new Map<string, { type: string; target: string }>();
  for (const rel of xml ? findAll(xml, 'Relationship') : []) {
    const { Id: id, Type: type = '', Target: target, TargetMode: mode } = rel.attrs;
    if (!id || !target || mode === 'External') continue;
    // "/xl/media/image1.png" is from the package root; "../media/image1.png" from the part's folder
    const resolved = target.startsWith('/')
      ? target.slice(1)
      : path.normalize(path.join(path.dirname(part), target));
    rels.set(id, { type, target: resolved });
  }
  return rels;
}

async function xmlOf(zip: ZipArchive, part: string): Promise<XmlNode | null> {
  const entry = zip.find(part);
  if (!entry) return null;
  return parseXml((await zip.read(entry)).toString('utf8'));
}

function parseXml(text: string): XmlNode | null {
  const parser = new SaxesParser({ xmlns: true });
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const attr of Object.values(tag.attributes)) attrs[attr.local] = attr.value;
    const node: XmlNode = { name: tag.local, attrs, children: [], text: '' };
    stack.at(-1)!.children.push(node);
    if (!tag.isSelfClosing) stack.push(node);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  parser.on('text', (t) => {
    stack.at(-1)!.text += t;
  });
  try {
    parser.write(text).close();
  } catch {
    return null; // a damaged part: its pictures are not read, the cells still are
  }
  return root.children[0] ?? null;
}

const child = (node: XmlNode | undefined, name: string) => node?.children.find((c) => c.name === name);

function findAll(node: XmlNode, name: string, out: XmlNode[] = []): XmlNode[] {
  for (const c of node.children) {
    if (c.name === name) out.push(c);
    else findAll(c, name, out);
  }
  return out;
}
