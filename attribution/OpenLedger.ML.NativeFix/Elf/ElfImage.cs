using System.Buffers.Binary;
using System.Text;

namespace OpenLedger.ML.NativeFix.Elf;

/// <summary>Raised when a file is not an ELF image this reader understands, or its tables point outside the file.</summary>
public sealed class ElfFormatException(string message) : Exception(message);

/// <summary>One section header.</summary>
public sealed record ElfSection(int Index, string Name, uint Type, ulong Flags, ulong Address, long Offset, long Size,
    int Link, uint Info, long EntrySize);

/// <summary>One entry of <c>.dynsym</c>. <see cref="SectionIndex"/> 0 (SHN_UNDEF) means the symbol is imported.</summary>
public sealed record ElfDynamicSymbol(int Index, string Name, byte Info, ushort SectionIndex)
{
    public bool IsUndefined => SectionIndex == 0;
}

/// <summary>One <c>Vernaux</c> record of <c>.gnu.version_r</c>: a version that the image needs from <see cref="File"/>.
/// <see cref="VersionIndex"/> (vna_other) is the value that <c>.gnu.version</c> entries use to point at it.</summary>
public sealed record ElfVersionNeed(string File, string Name, ushort Flags, ushort VersionIndex, long FlagsOffset)
{
    public bool IsWeak => (Flags & ElfImage.VerFlgWeak) != 0;
}

/// <summary>One <c>Verdef</c> record of <c>.gnu.version_d</c>: a version that the image defines.</summary>
public sealed record ElfVersionDefinition(string Name, ushort Index, ushort Flags);

/// <summary>
/// A small reader and editor of 64-bit little-endian ELF shared objects: the section headers, the dynamic symbol table
/// and the GNU symbol-versioning sections (<c>.gnu.version</c>, <c>.gnu.version_r</c>, <c>.gnu.version_d</c>), and the
/// symbol indexes used by relocations. Edits change fields in place: nothing grows, moves or is added, so the file's
/// layout (program headers, segments, addresses) stays exactly as the linker wrote it. Every offset read from the file is
/// checked against the file's and its section's bounds.
/// </summary>
public sealed class ElfImage
{
    public const uint ShtRela = 4, ShtRel = 9, ShtNobits = 8, ShtDynsym = 11;
    public const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    /// <summary>Versym value of an unversioned (base, global) symbol: what <c>patchelf --clear-symbol-version</c> writes.</summary>
    public const ushort VerNdxGlobal = 1;
    /// <summary>Versym bit marking a hidden version; the index is the low 15 bits.</summary>
    public const ushort VersymHidden = 0x8000;
    /// <summary>vna_flags bit: a weak version requirement, which the loader does not insist on.</summary>
    public const ushort VerFlgWeak = 2;
    const ushort EmX86_64 = 62;

    readonly byte[] _data;
    readonly ElfSection[] _sections;

    ElfImage(byte[] data)
    {
        _data = data;
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw new ElfFormatException("not an ELF file");
        if (data[4] != 2) throw new ElfFormatException("not a 64-bit ELF file");
        if (data[5] != 1) throw new ElfFormatException("not a little-endian ELF file");
        if (data[6] != 1) throw new ElfFormatException($"unknown ELF version {data[6]}");
        Type = U16(16);
        Machine = U16(18);
        long shoff = checked((long)U64(0x28));
        int shentsize = U16(0x3a);
        int shnum = U16(0x3c);
        int shstrndx = U16(0x3e);
        if (shoff == 0) throw new ElfFormatException("the file has no section headers");
        if (shentsize != 64) throw new ElfFormatException($"unexpected section header size {shentsize}");
        if (shnum == 0) shnum = checked((int)U64(CheckRange(shoff, 64) + 0x20));   // extended numbering: count in section 0's sh_size
        if (shstrndx == 0xffff) shstrndx = (int)U32(CheckRange(shoff, 64) + 0x28); // SHN_XINDEX: index in section 0's sh_link
        CheckRange(shoff, checked((long)shnum * shentsize));

        var raw = new (uint name, uint type, ulong flags, ulong addr, long off, long size, uint link, uint info, long entsize)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * shentsize;
            raw[i] = (U32(h), U32(h + 4), U64(h + 8), U64(h + 0x10), checked((long)U64(h + 0x18)), checked((long)U64(h + 0x20)),
                U32(h + 0x28), U32(h + 0x2c), checked((long)U64(h + 0x38)));
            if (raw[i].type != ShtNobits && raw[i].type != 0) CheckRange(raw[i].off, raw[i].size);
        }
        if (shstrndx >= shnum) throw new ElfFormatException("section name table index out of range");
        var shstr = raw[shstrndx];
        _sections = new ElfSection[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var s = raw[i];
            string name = i == 0 ? "" : ReadString(shstr.off, shstr.size, s.name);
            _sections[i] = new ElfSection(i, name, s.type, s.flags, s.addr, s.off, s.size, checked((int)s.link), s.info, s.entsize);
        }
    }

    /// <summary>Parses an image from its bytes; edits change this buffer.</summary>
    public static ElfImage Parse(byte[] data) => new(data);

    public static ElfImage Load(string path) => new(File.ReadAllBytes(path));

    /// <summary>The image's bytes, with any edits made so far.</summary>
    public byte[] Bytes => _data;

    /// <summary>e_type (3 = ET_DYN, a shared object).</summary>
    public ushort Type { get; }

    /// <summary>e_machine (62 = x86-64).</summary>
    public ushort Machine { get; }

    public bool IsX86_64SharedObject => Type == 3 && Machine == EmX86_64;

    public IReadOnlyList<ElfSection> Sections => _sections;

    /// <summary>The one section of the given type, or null; more than one is a format error.</summary>
    public ElfSection? SectionOfType(uint type)
    {
        ElfSection? found = null;
        foreach (var s in _sections)
            if (s.Type == type)
            {
                if (found != null) throw new ElfFormatException($"more than one section of type 0x{type:x}");
                found = s;
            }
        return found;
    }

    ElfSection Linked(ElfSection s, string what)
    {
        if (s.Link <= 0 || s.Link >= _sections.Length) throw new ElfFormatException($"{s.Name}: bad {what} link {s.Link}");
        return _sections[s.Link];
    }

    /// <summary>The dynamic symbol table (<c>.dynsym</c>), in index order; empty if the image has none.</summary>
    public IReadOnlyList<ElfDynamicSymbol> DynamicSymbols()
    {
        var dynsym = SectionOfType(ShtDynsym);
        if (dynsym == null) return [];
        if (dynsym.EntrySize != 24) throw new ElfFormatException($".dynsym entry size {dynsym.EntrySize}");
        var strtab = Linked(dynsym, "string table");
        int count = checked((int)(dynsym.Size / 24));
        var result = new ElfDynamicSymbol[count];
        for (int i = 0; i < count; i++)
        {
            long e = dynsym.Offset + (long)i * 24;
            result[i] = new ElfDynamicSymbol(i, ReadString(strtab.Offset, strtab.Size, U32(e)), _data[e + 4], U16(e + 6));
        }
        return result;
    }

    ElfSection Versym()
    {
        var versym = SectionOfType(ShtGnuVersym) ?? throw new ElfFormatException("no .gnu.version section");
        var dynsym = SectionOfType(ShtDynsym) ?? throw new ElfFormatException("no .dynsym section");
        if (versym.EntrySize != 2 && versym.EntrySize != 0) throw new ElfFormatException($".gnu.version entry size {versym.EntrySize}");
        if (versym.Size / 2 != dynsym.Size / 24) throw new ElfFormatException(".gnu.version and .dynsym differ in length");
        return versym;
    }

    /// <summary>The <c>.gnu.version</c> entry of dynamic symbol <paramref name="symbolIndex"/> (hidden bit included).</summary>
    public ushort GetVersym(int symbolIndex)
    {
        var versym = Versym();
        if (symbolIndex < 0 || symbolIndex >= versym.Size / 2) throw new ArgumentOutOfRangeException(nameof(symbolIndex));
        return U16(versym.Offset + 2L * symbolIndex);
    }

    /// <summary>Writes the <c>.gnu.version</c> entry of dynamic symbol <paramref name="symbolIndex"/>.</summary>
    public void SetVersym(int symbolIndex, ushort value)
    {
        var versym = Versym();
        if (symbolIndex < 0 || symbolIndex >= versym.Size / 2) throw new ArgumentOutOfRangeException(nameof(symbolIndex));
        BinaryPrimitives.WriteUInt16LittleEndian(_data.AsSpan(checked((int)(versym.Offset + 2L * symbolIndex)), 2), value);
    }

    /// <summary>Every <c>Vernaux</c> record of <c>.gnu.version_r</c>, with the file that must provide it.</summary>
    public IReadOnlyList<ElfVersionNeed> VersionNeeds()
    {
        var verneed = SectionOfType(ShtGnuVerneed);
        if (verneed == null) return [];
        var strtab = Linked(verneed, "string table");
        var result = new List<ElfVersionNeed>();
        long end = verneed.Offset + verneed.Size;
        long at = verneed.Offset;
        // sh_info holds the number of Verneed entries; the chain's vn_next must also end by then.
        for (uint n = 0; n < verneed.Info; n++)
        {
            CheckWithin(at, 16, verneed.Offset, end, ".gnu.version_r");
            ushort version = U16(at);
            if (version != 1) throw new ElfFormatException($".gnu.version_r: unknown vn_version {version}");
            ushort cnt = U16(at + 2);
            string file = ReadString(strtab.Offset, strtab.Size, U32(at + 4));
            long aux = at + U32(at + 8);
            for (int j = 0; j < cnt; j++)
            {
                CheckWithin(aux, 16, verneed.Offset, end, ".gnu.version_r");
                ushort flags = U16(aux + 4);
                ushort other = U16(aux + 6);
                string name = ReadString(strtab.Offset, strtab.Size, U32(aux + 8));
                result.Add(new ElfVersionNeed(file, name, flags, other, aux + 4));
                uint next = U32(aux + 12);
                if (next == 0) { if (j != cnt - 1) throw new ElfFormatException(".gnu.version_r: vernaux chain ends early"); break; }
                aux += next;
            }
            uint vnNext = U32(at + 12);
            if (vnNext == 0) { if (n != verneed.Info - 1) throw new ElfFormatException(".gnu.version_r: verneed chain ends early"); break; }
            at += vnNext;
        }
        return result;
    }

    /// <summary>Writes vna_flags of a requirement found by <see cref="VersionNeeds"/>.</summary>
    public void SetVersionNeedFlags(ElfVersionNeed need, ushort flags)
    {
        var verneed = SectionOfType(ShtGnuVerneed) ?? throw new ElfFormatException("no .gnu.version_r section");
        CheckWithin(need.FlagsOffset, 2, verneed.Offset, verneed.Offset + verneed.Size, ".gnu.version_r");
        BinaryPrimitives.WriteUInt16LittleEndian(_data.AsSpan(checked((int)need.FlagsOffset), 2), flags);
    }

    /// <summary>Every version that <c>.gnu.version_d</c> defines (the first, VER_FLG_BASE, names the file itself).</summary>
    public IReadOnlyList<ElfVersionDefinition> VersionDefinitions()
    {
        var verdef = SectionOfType(ShtGnuVerdef);
        if (verdef == null) return [];
        var strtab = Linked(verdef, "string table");
        var result = new List<ElfVersionDefinition>();
        long end = verdef.Offset + verdef.Size;
        long at = verdef.Offset;
        for (uint n = 0; n < verdef.Info; n++)
        {
            CheckWithin(at, 20, verdef.Offset, end, ".gnu.version_d");
            ushort version = U16(at);
            if (version != 1) throw new ElfFormatException($".gnu.version_d: unknown vd_version {version}");
            ushort flags = U16(at + 2);
            ushort index = U16(at + 4);
            ushort cnt = U16(at + 6);
            if (cnt > 0)
            {
                long aux = at + U32(at + 12);
                CheckWithin(aux, 8, verdef.Offset, end, ".gnu.version_d");
                result.Add(new ElfVersionDefinition(ReadString(strtab.Offset, strtab.Size, U32(aux)), index, flags));
            }
            uint next = U32(at + 16);
            if (next == 0) break;
            at += next;
        }
        return result;
    }

    /// <summary>The indexes of the dynamic symbols that some relocation (in a REL or RELA section tied to
    /// <c>.dynsym</c>) refers to: the symbols the loader will actually look up.</summary>
    public IReadOnlySet<int> RelocatedDynamicSymbols()
    {
        var result = new HashSet<int>();
        var dynsym = SectionOfType(ShtDynsym);
        if (dynsym == null) return result;
        foreach (var s in _sections)
        {
            if ((s.Type != ShtRela && s.Type != ShtRel) || s.Link != dynsym.Index) continue;
            long entsize = s.Type == ShtRela ? 24 : 16;
            if (s.EntrySize != entsize) throw new ElfFormatException($"{s.Name}: entry size {s.EntrySize}");
            for (long e = s.Offset; e + entsize <= s.Offset + s.Size; e += entsize)
            {
                uint sym = (uint)(U64(e + 8) >> 32);
                if (sym != 0) result.Add(checked((int)sym));
            }
        }
        return result;
    }

    ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(_data.AsSpan(checked((int)CheckRange(at, 2)), 2));
    uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(checked((int)CheckRange(at, 4)), 4));
    ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(_data.AsSpan(checked((int)CheckRange(at, 8)), 8));

    long CheckRange(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > _data.Length || length > _data.Length - offset)
            throw new ElfFormatException($"range 0x{offset:x}+{length} lies outside the file ({_data.Length} bytes)");
        return offset;
    }

    static void CheckWithin(long offset, long length, long start, long end, string what)
    {
        if (offset < start || offset + length > end) throw new ElfFormatException($"{what}: entry at 0x{offset:x} lies outside the section");
    }

    string ReadString(long tableOffset, long tableSize, uint index)
    {
        if (index >= tableSize) throw new ElfFormatException($"string index {index} outside its table");
        int start = checked((int)(tableOffset + index));
        int limit = checked((int)(tableOffset + tableSize));
        int nul = Array.IndexOf(_data, (byte)0, start, limit - start);
        if (nul < 0) throw new ElfFormatException("unterminated string");
        return Encoding.UTF8.GetString(_data, start, nul - start);
    }
}
