using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace OpenLedger.Analyzers;

/// <summary>
/// The TorchSharp methods that make a <c>Scalar</c> temporary somewhere inside them: every method whose IL calls a
/// Scalar factory (<c>Scalar.op_Implicit</c>, <c>ToScalar</c>, <c>ToFloat16Scalar</c>, ...), and every method that
/// calls one of those, transitively (calls by metadata token within TorchSharp; virtual dispatch is not followed).
/// Read from the TorchSharp assembly the compilation references, so the set always matches the version in use.
/// </summary>
#pragma warning disable RS1035 // reads a referenced assembly: an input of the compilation, cached by path and time
internal static class TorchSharpHazards
{
    private static readonly ConcurrentDictionary<(string Path, DateTime Written), ImmutableHashSet<int>> Cache = new();

    /// <summary>Metadata tokens of the hazardous methods of <paramref name="torchSharp"/>; empty when its file
    /// cannot be read (then only the other parts of the rule apply).</summary>
    public static ImmutableHashSet<int> For(Compilation compilation, IAssemblySymbol torchSharp)
    {
        if (compilation.GetMetadataReference(torchSharp) is not PortableExecutableReference { FilePath: { } path } || !File.Exists(path))
            return [];
        var key = (path, File.GetLastWriteTimeUtc(path));
        return Cache.GetOrAdd(key, k => Scan(k.Path));
    }

    private static ImmutableHashSet<int> Scan(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            var md = pe.GetMetadataReader();
            var callers = new Dictionary<int, List<int>>(); // callee token -> caller tokens (method definitions only)
            var seeds = new HashSet<int>();
            foreach (var handle in md.MethodDefinitions)
            {
                var method = md.GetMethodDefinition(handle);
                var token = MetadataTokens.GetToken(handle);
                if (IsScalarFactory(md, method)) seeds.Add(token);
                if (method.RelativeVirtualAddress == 0) continue;
                foreach (var callee in Callees(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader(), md))
                {
                    if (!callers.TryGetValue(callee, out var list)) callers[callee] = list = [];
                    list.Add(token);
                }
            }
            var hazards = new HashSet<int>();
            var work = new Queue<int>(seeds);
            while (work.Count > 0)
                if (callers.TryGetValue(work.Dequeue(), out var list))
                    foreach (var caller in list)
                        if (!seeds.Contains(caller) && hazards.Add(caller)) work.Enqueue(caller);
            return [.. hazards];
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or InvalidOperationException)
        {
            return [];
        }
    }

    private static bool IsScalarFactory(MetadataReader md, MethodDefinition method)
    {
        var type = md.GetTypeDefinition(method.GetDeclaringType());
        if (md.GetString(type.Namespace) != "TorchSharp") return false;
        var typeName = md.GetString(type.Name);
        var name = md.GetString(method.Name);
        return (typeName == "Scalar" && name == "op_Implicit")
            || (typeName == "ScalarExtensionMethods" && name.StartsWith("To", StringComparison.Ordinal) && name.EndsWith("Scalar", StringComparison.Ordinal));
    }

    /// <summary>The method definitions an IL body calls, loads a pointer to or constructs through.</summary>
    private static IEnumerable<int> Callees(BlobReader il, MetadataReader md)
    {
        while (il.RemainingBytes > 0)
        {
            int op = il.ReadByte();
            if (op == 0xFE) op = 0xFE00 | il.ReadByte();
            var code = (ILOpCode)op;
            switch (code)
            {
                case ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn or ILOpCode.Ldvirtftn or ILOpCode.Jmp:
                    var handle = MetadataTokens.EntityHandle(il.ReadInt32());
                    if (handle.Kind == HandleKind.MethodSpecification)
                        handle = md.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
                    if (handle.Kind == HandleKind.MethodDefinition) yield return MetadataTokens.GetToken(handle);
                    break;
                case ILOpCode.Switch:
                    il.Offset += 4 * il.ReadInt32();
                    break;
                default:
                    il.Offset += OperandSize(code);
                    break;
            }
        }
    }

    private static int OperandSize(ILOpCode code) => code switch
    {
        ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
            or ILOpCode.Ldc_i4_s or ILOpCode.Br_s or ILOpCode.Brfalse_s or ILOpCode.Brtrue_s or ILOpCode.Beq_s or ILOpCode.Bge_s
            or ILOpCode.Bgt_s or ILOpCode.Ble_s or ILOpCode.Blt_s or ILOpCode.Bne_un_s or ILOpCode.Bge_un_s or ILOpCode.Bgt_un_s
            or ILOpCode.Ble_un_s or ILOpCode.Blt_un_s or ILOpCode.Leave_s or ILOpCode.Unaligned => 1,
        ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc => 2,
        ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8 => 8,
        ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 or ILOpCode.Br or ILOpCode.Brfalse or ILOpCode.Brtrue or ILOpCode.Beq or ILOpCode.Bge
            or ILOpCode.Bgt or ILOpCode.Ble or ILOpCode.Blt or ILOpCode.Bne_un or ILOpCode.Bge_un or ILOpCode.Bgt_un or ILOpCode.Ble_un
            or ILOpCode.Blt_un or ILOpCode.Leave or ILOpCode.Jmp or ILOpCode.Call or ILOpCode.Calli or ILOpCode.Callvirt or ILOpCode.Cpobj
            or ILOpCode.Ldobj or ILOpCode.Ldstr or ILOpCode.Newobj or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox
            or ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld
            or ILOpCode.Stobj or ILOpCode.Box or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem
            or ILOpCode.Unbox_any or ILOpCode.Refanyval or ILOpCode.Mkrefany or ILOpCode.Ldtoken or ILOpCode.Ldftn
            or ILOpCode.Ldvirtftn or ILOpCode.Initobj or ILOpCode.Constrained or ILOpCode.Sizeof => 4,
        _ => 0,
    };
}
#pragma warning restore RS1035
